import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueModule } from '../queue/queue.module.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { QueueStatsController } from './queue-stats.controller.js';
import { PostgresHealthIndicator } from './postgres.health.js';
import { RedisHealthIndicator } from './redis.health.js';

@Module({
  imports: [TerminusModule, QueueModule],
  controllers: [HealthController, MetricsController, QueueStatsController],
  providers: [PostgresHealthIndicator, RedisHealthIndicator],
})
export class ObservabilityModule {}
