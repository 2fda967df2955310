import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { QueueStatsController } from './queue-stats.controller.js';
import { PostgresHealthIndicator } from './postgres.health.js';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController, MetricsController, QueueStatsController],
  // The queue and the backend's health checks come from the global `BackendModule`.
  providers: [PostgresHealthIndicator],
})
export class ObservabilityModule {}
