import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { LeaderElectionService } from './leader-election.service.js';
import { LeadershipRepository } from './leadership.repository.js';
import { QueueHousekeepingService } from './queue-housekeeping.service.js';
import { QueueReconciliationService } from './queue-reconciliation.service.js';
import { ScheduleExpansionRepository } from './schedule-expansion.repository.js';
import { ScheduleExpansionService } from './schedule-expansion.service.js';
import { SchedulerLoopService } from './scheduler-loop.service.js';
import { SchedulingMetrics } from './scheduling.metrics.js';

/**
 * The leader-elected scheduler: runs inside `node dist/main.js`. The queue and the leader
 * lease come from the global `BackendModule`.
 */
@Module({
  imports: [DatabaseModule],
  providers: [
    LeadershipRepository,
    LeaderElectionService,
    ScheduleExpansionRepository,
    ScheduleExpansionService,
    QueueReconciliationService,
    QueueHousekeepingService,
    SchedulerLoopService,
    SchedulingMetrics,
  ],
  exports: [LeaderElectionService, SchedulerLoopService],
})
export class SchedulingModule {}
