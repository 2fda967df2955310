import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { BackendModule } from '../../src/backend/backend.module.js';
import { AppConfigModule } from '../../src/config/app-config.module.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadAppConfig } from '../../src/config/load-app-config.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { BACKEND_HEALTH_CHECKS } from '../../src/observability/backend-health.js';
import { RedisHealthIndicator } from '../../src/observability/redis.health.js';
import { ExecutionQueue } from '../../src/queue/execution-queue.js';
import { PostgresExecutionQueue } from '../../src/queue/postgres-execution-queue.js';
import { QueueKeys } from '../../src/queue/queue-keys.js';
import { RedisExecutionQueue } from '../../src/queue/redis-execution-queue.js';
import { REDIS } from '../../src/redis/redis.module.js';
import type { Redis } from 'ioredis';
import { LeaderLease } from '../../src/scheduling/leader-lease.js';
import { PostgresLeaderLease } from '../../src/scheduling/postgres-leader-lease.js';
import { RedlockLeaderLease } from '../../src/scheduling/redlock-leader-lease.js';
import { PostgresRateLimitStore } from '../../src/tenancy/postgres-rate-limit.store.js';
import { RateLimitStore } from '../../src/tenancy/rate-limit.store.js';
import { RedisRateLimitStore } from '../../src/tenancy/redis-rate-limit.store.js';
import { connectRedis, startListening, uniquePrefix } from '../queue/queue-test-support.js';
import { createTestDatabase } from '../support/test-database.js';
import { TEST_ENCRYPTION_KEY } from '../support/test-secrets.js';

/** The one place a backend is chosen: each choice provides its whole set, and only that. */
describe('BackendModule', () => {
  let drop: () => Promise<void>;
  let database: AppConfig['database'];
  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
  });
  afterAll(async () => {
    await drop();
  });

  async function compile(env: Record<string, string>): Promise<TestingModule> {
    const config: AppConfig = {
      ...loadAppConfig({ SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...env }),
      database,
    };
    return Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), DatabaseModule, BackendModule.forRoot(config)],
    }).compile();
  }

  it('on redis: the Lua queue, Redlock and the Redis store, on the shared connection and prefix', async () => {
    const prefix = uniquePrefix();
    const moduleRef = await compile({ QUEUE_BACKEND: 'redis', REDIS_KEY_PREFIX: prefix });
    try {
      const queue = moduleRef.get(ExecutionQueue);
      expect(queue).toBeInstanceOf(RedisExecutionQueue);
      expect(moduleRef.get(LeaderLease)).toBeInstanceOf(RedlockLeaderLease);
      expect(moduleRef.get(RateLimitStore)).toBeInstanceOf(RedisRateLimitStore);
      const checks = moduleRef.get<unknown[]>(BACKEND_HEALTH_CHECKS);
      expect(checks).toEqual([moduleRef.get(RedisHealthIndicator)]);

      expect(await queue.enqueue([{ id: 'wired', dueAt: await queue.now() }])).toBe(1);
      const redis = moduleRef.get<Redis>(REDIS);
      expect(await redis.zscore(new QueueKeys(prefix).ready, 'wired')).not.toBeNull();
    } finally {
      await moduleRef.close();
      const redis = connectRedis();
      await redis.del(...new QueueKeys(prefix).all());
      await redis.quit();
    }
  });

  it('on postgres: the table queue, the lease row and the table store, and no Redis at all', async () => {
    const moduleRef = await compile({ QUEUE_BACKEND: 'postgres' });
    const queue = moduleRef.get(ExecutionQueue);
    try {
      expect(queue).toBeInstanceOf(PostgresExecutionQueue);
      expect(moduleRef.get(LeaderLease)).toBeInstanceOf(PostgresLeaderLease);
      expect(moduleRef.get(RateLimitStore)).toBeInstanceOf(PostgresRateLimitStore);
      expect(moduleRef.get(BACKEND_HEALTH_CHECKS)).toEqual([]);
      expect(() => moduleRef.get(REDIS, { strict: false })).toThrow();

      expect(await queue.enqueue([{ id: 'wired', dueAt: await queue.now() }])).toBe(1);
      expect(await queue.stats()).toMatchObject({ ready: 1 });
      // Nest's shutdown hooks end the listening connection a worker's waits opened.
      await startListening(queue as PostgresExecutionQueue);
    } finally {
      await moduleRef.close();
    }
    expect((queue as PostgresExecutionQueue).listening).toBe(false);
  });
});
