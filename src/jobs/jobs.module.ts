import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock.js';
import { DatabaseModule } from '../database/database.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { CronController } from './cron.controller.js';
import { ExecutionCommandRepository } from './execution-command.repository.js';
import { ExecutionHistoryRepository } from './execution-history.repository.js';
import { ExecutionsController } from './executions.controller.js';
import { ExecutionsService } from './executions.service.js';
import { JobHistoryService } from './job-history.service.js';
import { JobRepository } from './job.repository.js';
import { JobScheduleService } from './job-schedule.service.js';
import { JobsController } from './jobs.controller.js';
import { JobSecretsService } from './job-secrets.service.js';
import { JobsService } from './jobs.service.js';
import { SigningSecretController } from './signing-secret.controller.js';

@Module({
  imports: [DatabaseModule, QueueModule, SecretsModule],
  controllers: [JobsController, SigningSecretController, CronController, ExecutionsController],
  providers: [
    { provide: Clock, useClass: SystemClock },
    JobRepository,
    ExecutionHistoryRepository,
    ExecutionCommandRepository,
    ExecutionsService,
    JobsService,
    JobSecretsService,
    JobScheduleService,
    JobHistoryService,
  ],
})
export class JobsModule {}
