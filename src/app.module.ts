import { DynamicModule, Module } from '@nestjs/common';
import type { Provider } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AppConfig } from './config/app-config.js';
import { BackendModule } from './backend/backend.module.js';
import { AppConfigModule } from './config/app-config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MetricsModule } from './observability/metrics.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { TenancyModule } from './tenancy/tenancy.module.js';
import { SchedulingModule } from './scheduling/scheduling.module.js';

/** Root module of `node dist/main.js`: the REST API and the scheduler. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: Provider[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config, overrides),
        MetricsModule.forRole('api'),
        ScheduleModule.forRoot(),
        DatabaseModule,
        BackendModule.forRoot(config),
        SchedulingModule,
        TenancyModule,
        JobsModule,
        ObservabilityModule,
      ],
    };
  }
}
