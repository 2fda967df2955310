import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { QUEUE_BACKENDS } from '../../src/config/app-config.js';
import type { QueueBackend } from '../../src/config/app-config.js';
import { loadAppConfig } from '../../src/config/load-app-config.js';
import { TEST_ENCRYPTION_KEY } from '../support/test-secrets.js';
import { openDedicatedConnection } from '../../src/database/dedicated-connection.js';
import { queryRows } from '../../src/database/query-rows.js';
import type { ExecutionQueue } from '../../src/queue/execution-queue.js';
import { PostgresExecutionQueue } from '../../src/queue/postgres-execution-queue.js';
import type { PostgresQueueOptions } from '../../src/queue/postgres-execution-queue.js';
import { QueueKeys } from '../../src/queue/queue-keys.js';
import { RedisExecutionQueue } from '../../src/queue/redis-execution-queue.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';

/** Every backend the shared queue suite runs against (`describe.each(BACKENDS)`). */
export const BACKENDS: readonly QueueBackend[] = QUEUE_BACKENDS;

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

/** A lease as the backend stores it. */
export interface StoredLease {
  token: string;
  /** Epoch ms, the backend's clock. */
  deadline: number;
}

/**
 * Reads a backend's own structures, for assertions the contract cannot make (a deadline, a
 * due time): the same question asked of a Redis ZSET or of a PostgreSQL row.
 */
export interface QueueInspector {
  /** The item's lease, or null if it is not leased. */
  lease(id: string): Promise<StoredLease | null>;
  /** When an item that is delayed or ready is due, or null if it is neither. */
  dueAt(id: string): Promise<number | null>;
  /** When the item was dead-lettered, or null if it is not dead-lettered. */
  deadLetteredAt(id: string): Promise<number | null>;
  /** The backend's clock, read without the queue (epoch ms). */
  clock(): Promise<number>;
}

/** A queue of its own: a Redis key prefix, or a PostgreSQL database copied from the template. */
export interface TestQueue {
  backend: QueueBackend;
  queue: ExecutionQueue;
  inspect: QueueInspector;
  /** Another queue object on a connection of its own, same data (another process). */
  peer: () => Promise<ExecutionQueue>;
  /** Resolves once `queue` hears of new work as it happens (PostgreSQL: it LISTENs). */
  listening: () => Promise<void>;
  close: () => Promise<void>;
}

export async function createTestQueue(
  backend: QueueBackend,
  options: PostgresQueueOptions = {},
): Promise<TestQueue> {
  switch (backend) {
    case 'redis':
      return redisTestQueue(createRedisTestQueue());
    case 'postgres':
      return postgresTestQueue(await createPostgresTestQueue(options));
  }
}

/** The Redis queue with its connection and keys, for Redis-only tests (data loss, scripts). */
export interface RedisTestQueue {
  queue: RedisExecutionQueue;
  redis: Redis;
  keys: QueueKeys;
  prefix: string;
  peer: () => RedisExecutionQueue;
  close: () => Promise<void>;
}

export function createRedisTestQueue(): RedisTestQueue {
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

function redisTestQueue(test: RedisTestQueue): TestQueue {
  const { redis, keys } = test;
  const score = async (key: string, id: string) => {
    const value = await redis.zscore(key, id);
    return value === null ? null : Number(value);
  };
  return {
    backend: 'redis',
    queue: test.queue,
    inspect: {
      lease: async (id) => {
        const token = await redis.hget(keys.leases, id);
        const deadline = await score(keys.processing, id);
        return token === null || deadline === null ? null : { token, deadline };
      },
      dueAt: async (id) => (await score(keys.delayed, id)) ?? (await score(keys.ready, id)),
      deadLetteredAt: (id) => score(keys.dead, id),
      clock: async () => {
        const [seconds, microseconds] = await redis.time();
        return Number(seconds) * 1000 + Math.floor(Number(microseconds) / 1000);
      },
    },
    peer: () => Promise.resolve(test.peer()),
    // Redis announces nothing: the queue's waits poll, from the first one on.
    listening: () => Promise.resolve(),
    close: test.close,
  };
}

/** The PostgreSQL queue with its data source, for PostgreSQL-only tests (the wake-up). */
export interface PostgresTestQueue {
  queue: PostgresExecutionQueue;
  dataSource: DataSource;
  /** `application_name` of its listening connection, to find (and cut) it in pg_stat_activity. */
  listenerName: string;
  peer: () => Promise<PostgresExecutionQueue>;
  close: () => Promise<void>;
}

export async function createPostgresTestQueue(
  options: PostgresQueueOptions = {},
): Promise<PostgresTestQueue> {
  const { database, drop } = await createTestDatabase();
  const listenerName = `queue-listener-${randomBytes(4).toString('hex')}`;
  const open = async (poolSize: number) => {
    const dataSource = await openDataSource({ ...database, poolSize });
    const queue = new PostgresExecutionQueue(
      dataSource,
      () => openDedicatedConnection(database, listenerName),
      options,
    );
    return { dataSource, queue };
  };
  const opened = [await open(3)];
  const [own] = opened;
  return {
    queue: own!.queue,
    dataSource: own!.dataSource,
    listenerName,
    // One connection each: the concurrency test opens eight, like eight small workers.
    peer: async () => {
      const peer = await open(1);
      opened.push(peer);
      return peer.queue;
    },
    close: async () => {
      for (const { queue, dataSource } of opened) {
        await queue.onApplicationShutdown();
        await dataSource.destroy();
      }
      await drop();
    },
  };
}

function postgresTestQueue(test: PostgresTestQueue): TestQueue {
  const row = async (id: string) => {
    const [found] = await queryRows<{
      due_at: string;
      lease_token: string | null;
      lease_expires_at: string | null;
      dead_lettered_at: string | null;
    }>(
      test.dataSource,
      `SELECT ${epochMs('due_at')} AS due_at, lease_token,
              ${epochMs('lease_expires_at')} AS lease_expires_at,
              ${epochMs('dead_lettered_at')} AS dead_lettered_at
       FROM execution_queue WHERE id = $1`,
      [id],
    );
    return found;
  };
  return {
    backend: 'postgres',
    queue: test.queue,
    inspect: {
      lease: async (id) => {
        const found = await row(id);
        if (found?.lease_token == null || found.lease_expires_at === null) return null;
        return { token: found.lease_token, deadline: Number(found.lease_expires_at) };
      },
      dueAt: async (id) => {
        const found = await row(id);
        const live = found !== undefined && found.lease_token === null;
        return live && found.dead_lettered_at === null ? Number(found.due_at) : null;
      },
      deadLetteredAt: async (id) => {
        const found = await row(id);
        return found?.dead_lettered_at == null ? null : Number(found.dead_lettered_at);
      },
      clock: async () => {
        const [found] = await queryRows<{ now: string }>(
          test.dataSource,
          `SELECT ${epochMs('clock_timestamp()')} AS now`,
        );
        return Number(found!.now);
      },
    },
    peer: test.peer,
    listening: () => startListening(test.queue),
    close: test.close,
  };
}

/** Starts the queue's listener (its first wait does) and resolves once it listens. */
export async function startListening(queue: PostgresExecutionQueue): Promise<void> {
  await queue.waitForWork(0, AbortSignal.abort());
  await waitFor('the queue to listen', () => Promise.resolve(queue.listening || undefined));
}

function epochMs(expression: string): string {
  return `floor(extract(epoch FROM ${expression}) * 1000)::text`;
}

/**
 * Polls `probe` until it returns a value other than undefined; fails after `timeoutMs`.
 * For conditions that depend on the backend's clock (a due time, a lease deadline), which a
 * test cannot advance: it waits for the condition itself, never a fixed time.
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

/** Resolves once the backend's clock has passed `epochMs`. */
export async function waitForBackendTime(queue: ExecutionQueue, epochMs: number): Promise<void> {
  await waitFor(`backend time ${epochMs}`, async () =>
    (await queue.now()) > epochMs ? true : undefined,
  );
}
