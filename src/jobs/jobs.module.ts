import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock.js';
import { DatabaseModule } from '../database/database.module.js';
import { DestinationPolicyModule } from '../outbound/destination-policy.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { CronController } from './cron.controller.js';
import { ExecutionCommandRepository } from './execution-command.repository.js';
import { ExecutionHistoryRepository } from './execution-history.repository.js';
import { ExecutionsController } from './executions.controller.js';
import { ExecutionsService } from './executions.service.js';
import { JobHistoryService } from './job-history.service.js';
import { JobRepository } from './job.repository.js';
import { JobScheduleService } from './job-schedule.service.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

@Module({
  imports: [DatabaseModule, QueueModule, DestinationPolicyModule],
  controllers: [JobsController, CronController, ExecutionsController],
  providers: [
    { provide: Clock, useClass: SystemClock },
    JobRepository,
    ExecutionHistoryRepository,
    ExecutionCommandRepository,
    ExecutionsService,
    JobsService,
    JobScheduleService,
    JobHistoryService,
  ],
})
export class JobsModule {}
