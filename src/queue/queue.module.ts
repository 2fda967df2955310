import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { REDIS } from '../redis/redis.module.js';
import { ExecutionQueue } from './execution-queue.js';
import { RedisExecutionQueue } from './redis-execution-queue.js';

/**
 * Provides the `ExecutionQueue` on the shared Redis connection (`RedisModule` and `AppConfig`
 * are global). Consumers depend on the abstract class only, so a PostgreSQL backend can be
 * swapped in here.
 */
@Module({
  providers: [
    {
      provide: ExecutionQueue,
      inject: [REDIS, AppConfig],
      useFactory: (redis: Redis, config: AppConfig): ExecutionQueue =>
        new RedisExecutionQueue(redis, config.redis.keyPrefix),
    },
  ],
  exports: [ExecutionQueue],
})
export class QueueModule {}
