import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import type { TestingModule } from '@nestjs/testing';
import { loadAppConfig } from '../../src/config/load-app-config.js';
import { TEST_ENCRYPTION_KEY } from '../support/test-secrets.js';
import { AppConfigModule } from '../../src/config/app-config.module.js';
import { ExecutionQueue } from '../../src/queue/execution-queue.js';
import { QueueKeys } from '../../src/queue/queue-keys.js';
import { QueueModule } from '../../src/queue/queue.module.js';
import { RedisExecutionQueue } from '../../src/queue/redis-execution-queue.js';
import { REDIS, RedisModule } from '../../src/redis/redis.module.js';
import { connectRedis, uniquePrefix } from './queue-test-support.js';

/** The Nest wiring: `ExecutionQueue` on the shared connection, under the configured prefix. */
describe('QueueModule', () => {
  const prefix = uniquePrefix();
  let moduleRef: TestingModule;
  beforeAll(async () => {
    const config = loadAppConfig({
      ...process.env,
      SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      REDIS_KEY_PREFIX: prefix,
    });
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), RedisModule, QueueModule],
    }).compile();
  });
  afterAll(async () => {
    const redis = connectRedis();
    await redis.del(...new QueueKeys(prefix).all());
    await redis.quit();
    await moduleRef.close();
  });

  it('provides the Redis queue under the configured key prefix', async () => {
    const queue = moduleRef.get(ExecutionQueue);
    expect(queue).toBeInstanceOf(RedisExecutionQueue);
    expect(await queue.enqueue([{ id: 'wired', dueAt: await queue.now() }])).toBe(1);

    const redis = moduleRef.get<Redis>(REDIS);
    expect(await redis.zscore(new QueueKeys(prefix).ready, 'wired')).not.toBeNull();
    expect(new QueueKeys(prefix).ready).toBe(`${prefix}:{q}:ready`);
  });
});
