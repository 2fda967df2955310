import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { abortableSleep } from '../common/abortable-sleep.js';
import { BackgroundLoop } from '../common/background-loop.js';
import { AppConfig } from '../config/app-config.js';
import { ExecutionQueue } from '../queue/execution-queue.js';
import { DeliveryService } from './delivery.service.js';
import { ExecutionRepository } from './execution.repository.js';
import { WorkerIdentity } from './worker-identity.js';

/** After an error talking to Redis or PostgreSQL, back off this long before claiming again. */
const ERROR_BACKOFF_MS = 500;

/**
 * Claims due executions while it has free slots (`WORKER_POOL_SIZE` concurrent requests),
 * keeps their leases alive while requests run, and on shutdown stops claiming, lets
 * in-flight requests finish for `WORKER_SHUTDOWN_GRACE_MS`, then aborts and releases the rest.
 */
@Injectable()
export class WorkerLoopService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerLoopService.name);
  private readonly claiming = new BackgroundLoop((signal) => this.run(signal));
  private readonly abortRequests = new AbortController();
  private readonly inFlight = new Map<string, Promise<void>>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private slotFreed: (() => void) | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly identity: WorkerIdentity,
    private readonly queue: ExecutionQueue,
    private readonly executions: ExecutionRepository,
    private readonly delivery: DeliveryService,
  ) {}

  get activeCount(): number {
    return this.inFlight.size;
  }

  onApplicationBootstrap(): void {
    this.claiming.start();
    const every = Math.floor(this.config.execution.leaseMs / 3);
    this.leaseTimer = setInterval(() => void this.extendLeases(), every);
    this.logger.log(
      `Worker ${this.identity.id} started: ${this.config.worker.poolSize} concurrent requests`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.claiming.currentState !== 'running') return;
    const stopped = this.claiming.stop();
    this.slotFreed?.();
    await stopped;
    const grace = this.config.execution.shutdownGraceMs;
    this.logger.log(`Stopping: waiting up to ${grace} ms for ${this.inFlight.size} request(s)`);
    const finished = Promise.all(this.inFlight.values()).then(() => true);
    const inTime = await Promise.race([finished, sleep(grace).then(() => false)]);
    if (!inTime) {
      this.logger.warn(`Aborting ${this.inFlight.size} request(s) still running after ${grace} ms`);
      this.abortRequests.abort();
      await Promise.all(this.inFlight.values());
    }
    clearInterval(this.leaseTimer);
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const free = this.config.worker.poolSize - this.inFlight.size;
      if (free <= 0) {
        await this.waitForSlot();
        continue;
      }
      try {
        const { ids, nextDueInMs } = await this.queue.claim(
          free,
          this.config.execution.leaseMs,
          this.identity.leaseToken,
        );
        if (ids.length > 0) {
          await this.start(ids);
          continue;
        }
        // Until the earliest item is due, or sooner if the queue learns of earlier work.
        await this.queue.waitForWork(nextDueInMs, signal);
      } catch (error) {
        this.logger.error(
          `Claim failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        await abortableSleep(ERROR_BACKOFF_MS, signal);
      }
    }
  }

  private async start(ids: string[]): Promise<void> {
    const claimed = new Map(
      (await this.executions.claim(ids, this.identity.id)).map((e) => [e.id, e]),
    );
    for (const id of ids) {
      const execution = claimed.get(id);
      const task =
        execution?.attempt != null
          ? this.delivery.deliver(execution, execution.attempt, this.abortRequests.signal)
          : this.delivery.settleRefused(execution, id);
      this.track(id, task);
    }
  }

  private track(id: string, task: Promise<void>): void {
    const tracked = task
      .catch((error: unknown) => {
        // The lease will expire and the execution be claimed again: nothing is lost.
        this.logger.error(
          `Execution ${id}: ${error instanceof Error ? error.stack : String(error)}`,
        );
      })
      .finally(() => {
        this.inFlight.delete(id);
        this.slotFreed?.();
      });
    this.inFlight.set(id, tracked);
  }

  private waitForSlot(): Promise<void> {
    return new Promise((resolve) => {
      this.slotFreed = () => {
        this.slotFreed = undefined;
        resolve();
      };
    });
  }

  private async extendLeases(): Promise<void> {
    const ids = [...this.inFlight.keys()];
    if (ids.length === 0) return;
    try {
      const held = new Set(
        await this.queue.extendLeases(ids, this.identity.leaseToken, this.config.execution.leaseMs),
      );
      const lost = ids.filter((id) => !held.has(id) && this.inFlight.has(id));
      if (lost.length > 0) this.logger.warn(`Lost the lease of ${lost.length} execution(s)`);
    } catch (error) {
      this.logger.error(`Lease extension failed: ${String(error)}`);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
