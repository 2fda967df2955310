import { DynamicModule, Module } from '@nestjs/common';
import type { Provider } from '@nestjs/common';
import { AppConfig } from './config/app-config.js';
import { BackendModule } from './backend/backend.module.js';
import { AppConfigModule } from './config/app-config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { ExecutionModule } from './execution/execution.module.js';
import { MetricsModule } from './observability/metrics.module.js';

/** Root module of `node dist/worker.js`: no HTTP server, no scheduler. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, extra: Provider[] = []): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(config, extra),
        MetricsModule.forRole('worker'),
        DatabaseModule,
        BackendModule.forRoot(config),
        ExecutionModule,
      ],
    };
  }
}
