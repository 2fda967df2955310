import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadAppConfig } from '../../src/config/load-app-config.js';
import { TEST_ENCRYPTION_KEY } from '../support/test-secrets.js';
import { QueueKeys } from '../../src/queue/queue-keys.js';
import { RedisExecutionQueue } from '../../src/queue/redis-execution-queue.js';

/** A key prefix no other test file uses, so files run in parallel on one Redis. */
export function uniquePrefix(): string {
  return `jobsched-test-${randomBytes(5).toString('hex')}`;
}

/** A new connection to the Redis the environment names (same variables as production). */
export function connectRedis(): Redis {
  const { host, port, password, db } = loadAppConfig({
    ...process.env,
    SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  }).redis;
  return new Redis({ host, port, password, db, maxRetriesPerRequest: 2 });
}

/** A queue under its own prefix; `close` deletes its keys and every connection it opened. */
export interface TestQueue {
  queue: RedisExecutionQueue;
  redis: Redis;
  keys: QueueKeys;
  prefix: string;
  /** Another queue object on a connection of its own, same prefix (another process). */
  peer: () => RedisExecutionQueue;
  close: () => Promise<void>;
}

export function createTestQueue(): TestQueue {
  const prefix = uniquePrefix();
  const redis = connectRedis();
  const connections: Redis[] = [redis];
  return {
    queue: new RedisExecutionQueue(redis, prefix),
    redis,
    keys: new QueueKeys(prefix),
    prefix,
    peer: () => {
      const connection = connectRedis();
      connections.push(connection);
      return new RedisExecutionQueue(connection, prefix);
    },
    close: async () => {
      await redis.del(...new QueueKeys(prefix).all());
      await Promise.all(connections.map((connection) => connection.quit()));
    },
  };
}

/**
 * Polls `probe` until it returns a value other than undefined; fails after `timeoutMs`.
 * For conditions that depend on Redis's clock (a due time, a lease deadline), which a test
 * cannot advance: it waits for the condition itself, never a fixed time.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves once Redis's clock has passed `epochMs`. */
export async function waitForRedisTime(queue: RedisExecutionQueue, epochMs: number): Promise<void> {
  await waitFor(`Redis time ${epochMs}`, async () =>
    (await queue.now()) > epochMs ? true : undefined,
  );
}
