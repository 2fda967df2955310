import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config.js';
import { ExecutionQueue } from '../queue/execution-queue.js';
import { LeaderElectionService } from './leader-election.service.js';
import { QueueReconciliationService } from './queue-reconciliation.service.js';

/** Expired leases are looked for this often: a dead worker's executions wait at most this. */
const LEASE_REAPER_INTERVAL_MS = 1000;
/** Due executions missing from the queue are looked for this often. */
const RECONCILE_INTERVAL_MS = 5000;

/**
 * The leader's periodic queue chores, as `@nestjs/schedule` intervals: they run in every
 * scheduler process but do nothing unless it leads.
 */
@Injectable()
export class QueueHousekeepingService implements OnApplicationBootstrap {
  private readonly logger = new Logger(QueueHousekeepingService.name);
  private readonly running = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly election: LeaderElectionService,
    private readonly queue: ExecutionQueue,
    private readonly reconciliation: QueueReconciliationService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    this.every('lease-reaper', LEASE_REAPER_INTERVAL_MS, async () => {
      const requeued = await this.queue.requeueExpiredLeases(1000);
      if (requeued.length > 0) {
        this.logger.warn(`Requeued ${requeued.length} execution(s) whose worker lease expired`);
      }
    });
    this.every('queue-reconciliation', RECONCILE_INTERVAL_MS, async () => {
      await this.reconciliation.reconcile('due');
    });
  }

  /** Registered with the SchedulerRegistry, so Nest clears them on shutdown. */
  private every(name: string, ms: number, chore: () => Promise<void>): void {
    const interval = setInterval(() => {
      if (this.election.currentEpoch === null || this.running.has(name)) return;
      this.running.add(name);
      chore()
        .catch((error: unknown) => this.logger.error(`${name} failed: ${String(error)}`))
        .finally(() => this.running.delete(name));
    }, ms);
    this.registry.addInterval(name, interval);
  }
}
