import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { abortableSleep } from '../common/abortable-sleep.js';
import { BackgroundLoop } from '../common/background-loop.js';
import { AppConfig } from '../config/app-config.js';
import { ExecutionQueue } from '../queue/execution-queue.js';
import { DeliveryService } from './delivery.service.js';
import { DestinationAdmissionService } from './destination-admission.service.js';
import { TenantAdmissionService } from './tenant-admission.service.js';
import type { ClaimedExecution } from './execution.repository.js';
import { ExecutionRepository } from './execution.repository.js';
import { WorkerIdentity } from './worker-identity.js';

/** After an error talking to Redis or PostgreSQL, back off this long before claiming again. */
const ERROR_BACKOFF_MS = 500;

/**
 * Claims due executions while it has free slots (`WORKER_POOL_SIZE` concurrent requests),
 * keeps their leases alive while requests run, and on shutdown stops claiming, lets
 * in-flight requests finish for `WORKER_SHUTDOWN_GRACE_MS`, then aborts and releases the rest.
 *
 * An attempt waiting for its destination's concurrency permit holds no pool slot: if it did,
 * one slow destination's attempts would fill the pool while they wait, and every other
 * destination would wait behind them. The loop therefore counts slots as "held minus
 * waiting", and bounds what it holds at twice the pool (waiting attempts give up after
 * `DESTINATION_WAIT_LIMIT_MS` and go back to the queue), so it never hoards executions that
 * other workers could send.
 */
@Injectable()
export class WorkerLoopService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerLoopService.name);
  private readonly claiming = new BackgroundLoop((signal) => this.run(signal));
  private readonly abortRequests = new AbortController();
  /** Aborted as soon as shutdown starts: attempts still waiting for a permit go back unsent. */
  private readonly stopWaiting = new AbortController();
  private readonly inFlight = new Map<string, Promise<void>>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private slotFreed: (() => void) | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly identity: WorkerIdentity,
    private readonly queue: ExecutionQueue,
    private readonly executions: ExecutionRepository,
    private readonly delivery: DeliveryService,
    private readonly admission: DestinationAdmissionService,
    private readonly tenants: TenantAdmissionService,
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
    this.stopWaiting.abort();
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
      const free = this.freeSlots();
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
          ? this.attempt(execution, execution.attempt)
          : this.delivery.settleRefused(execution, id);
      this.track(id, task);
    }
  }

  /**
   * The tenant's caps first (shared by all workers), then the destination's (this worker's
   * cap, the shared breaker): either may put the attempt back unsent.
   */
  private async attempt(execution: ClaimedExecution, attempt: number): Promise<void> {
    const slot = await this.tenants.admit(execution, attempt);
    if (slot === null) return;
    try {
      const pass = await this.admission.admit(execution, attempt, {
        stop: this.stopWaiting.signal,
        onWait: () => this.slotFreed?.(),
      });
      if (pass === null) return;
      try {
        await this.delivery.deliver(execution, attempt, pass, this.abortRequests.signal);
      } finally {
        pass.release();
      }
    } finally {
      await slot.release();
    }
  }

  /** Pool slots not sending (or about to), within the bound of twice the pool held. */
  private freeSlots(): number {
    const pool = this.config.worker.poolSize;
    const held = this.inFlight.size;
    const sending = held - this.admission.waiting;
    return Math.min(pool - sending, 2 * pool - held);
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
