import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock.js';
import { DatabaseModule } from '../database/database.module.js';
import { AppConfig } from '../config/app-config.js';
import { DestinationPolicy } from '../outbound/destination-policy.js';
import { DestinationPolicyModule } from '../outbound/destination-policy.module.js';
import { TenancyModule } from '../tenancy/tenancy.module.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { CronController } from './cron.controller.js';
import { ExecutionCommandRepository } from './execution-command.repository.js';
import { ExecutionHistoryRepository } from './execution-history.repository.js';
import { ExecutionsController } from './executions.controller.js';
import { ExecutionsService } from './executions.service.js';
import { JobHistoryService } from './job-history.service.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IdempotencyKeyReaper } from './idempotency-key-reaper.service.js';
import { IdempotentRequests } from './idempotent-requests.service.js';
import { JobAuditRepository } from './job-audit.repository.js';
import { JobAuditService } from './job-audit.service.js';
import { JobDefinitionRules } from './job-definition.rules.js';
import { JobQuotaRules } from './job-quota.rules.js';
import { JobRepository } from './job.repository.js';
import { JobScheduleService } from './job-schedule.service.js';
import { JobsController } from './jobs.controller.js';
import { JobSecretsService } from './job-secrets.service.js';
import { JobsService } from './jobs.service.js';
import { SigningSecretController } from './signing-secret.controller.js';

@Module({
  imports: [DatabaseModule, TenancyModule, DestinationPolicyModule, SecretsModule],
  controllers: [JobsController, SigningSecretController, CronController, ExecutionsController],
  providers: [
    { provide: Clock, useClass: SystemClock },
    JobRepository,
    JobAuditRepository,
    JobAuditService,
    JobQuotaRules,
    {
      provide: JobDefinitionRules,
      inject: [AppConfig, DestinationPolicy],
      useFactory: (config: AppConfig, destinations: DestinationPolicy) =>
        new JobDefinitionRules(config.worker.httpTimeoutSeconds, destinations),
    },
    IdempotencyRepository,
    IdempotentRequests,
    IdempotencyKeyReaper,
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
