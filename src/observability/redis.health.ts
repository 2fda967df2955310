import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthCheckAttempt } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module.js';
import type { BackendHealthCheck } from './backend-health.js';

@Injectable()
export class RedisHealthIndicator implements BackendHealthCheck {
  readonly key = 'redis';

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  pingCheck(key: string): HealthCheckAttempt {
    return this.health.check(key).attempt(async () => {
      const answer = await this.redis.ping();
      if (answer !== 'PONG') throw new Error(`unexpected PING answer ${String(answer)}`);
    });
  }
}
