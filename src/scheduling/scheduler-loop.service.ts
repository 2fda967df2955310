import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { abortableSleep } from '../common/abortable-sleep.js';
import { BackgroundLoop } from '../common/background-loop.js';
import { AppConfig } from '../config/app-config.js';
import { ExecutionQueue } from '../queue/execution-queue.js';
import { FencedOutError } from './fenced-out.error.js';
import { LeaderElectionService } from './leader-election.service.js';
import { LeadershipRepository } from './leadership.repository.js';
import { QueueReconciliationService } from './queue-reconciliation.service.js';
import { ScheduleExpansionRepository } from './schedule-expansion.repository.js';
import { ScheduleExpansionService } from './schedule-expansion.service.js';
import { SchedulingMetrics } from './scheduling.metrics.js';

/**
 * The leader's pass, every `SCHEDULER_POLL_INTERVAL`: materialise occurrences over the
 * look-ahead window, apply misfire policies, and hand executions due within
 * `SCHEDULER_HANDOFF_AHEAD_MS` to the queue. The queue holds each one until its due instant
 * (judged by the queue backend's clock), so fires are on the second rather than a poll
 * interval late.
 */
@Injectable()
export class SchedulerLoopService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerLoopService.name);
  private readonly loop = new BackgroundLoop((signal) => this.run(signal));

  constructor(
    private readonly config: AppConfig,
    private readonly election: LeaderElectionService,
    private readonly leadership: LeadershipRepository,
    private readonly expansion: ScheduleExpansionService,
    private readonly repository: ScheduleExpansionRepository,
    private readonly reconciliation: QueueReconciliationService,
    private readonly queue: ExecutionQueue,
    private readonly metrics: SchedulingMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.scheduler.enabled) this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private async run(signal: AbortSignal): Promise<void> {
    let ledEpoch: string | null = null;
    while (!signal.aborted) {
      const epoch = this.election.currentEpoch;
      if (epoch !== null) {
        try {
          // A new term starts by rebuilding the queue from PostgreSQL: after a failover or a
          // Redis restart, whatever the queue lost is put back before anything else.
          if (epoch !== ledEpoch) await this.reconciliation.reconcile('all');
          ledEpoch = epoch;
          await this.pass(epoch);
        } catch (error) {
          if (error instanceof FencedOutError) this.logger.warn(error.message);
          else this.logger.error(`Scheduler pass failed: ${describe(error)}`);
        }
      } else {
        ledEpoch = null;
      }
      await abortableSleep(this.config.scheduler.pollIntervalMs, signal);
    }
  }

  /** One pass; public so tests can drive a leader step by step. */
  async pass(epoch: string): Promise<void> {
    const { lookaheadMs, batchSize, misfireThresholdMs, handoffAheadMs } = this.config.scheduler;
    const now = await this.repository.now();
    for (;;) {
      const expanded = await this.expansion.expand(epoch, now, {
        lookaheadMs,
        batchSize,
        misfireThresholdMs,
      });
      this.metrics.materialised.inc(expanded.inserted);
      this.metrics.skipped.inc(expanded.skipped);
      if (expanded.jobs < batchSize || this.loop.currentState !== 'running') break;
    }
    const until = new Date(now.getTime() + handoffAheadMs);
    for (;;) {
      const due = await this.leadership.fenced(epoch, (manager) =>
        this.repository.claimForHandoff(manager, now, until, misfireThresholdMs, batchSize),
      );
      // Marked QUEUED first, then enqueued: if this process dies in between, the next
      // leader's reconciliation finds QUEUED rows the queue does not have and adds them.
      await this.queue.enqueue(due.map((e) => ({ id: e.id, dueAt: e.dueAt.getTime() })));
      this.metrics.handedOff.inc(due.length);
      if (due.length < batchSize || this.loop.currentState !== 'running') break;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
