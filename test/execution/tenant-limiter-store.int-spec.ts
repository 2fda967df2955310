import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  RedisTenantLimiterStore,
  TenantLimiterKeys,
} from '../../src/execution/redis-tenant-limiter.store.js';
import type { DataSource } from 'typeorm';
import { PostgresTenantLimiterStore } from '../../src/execution/postgres-tenant-limiter.store.js';
import type { TenantLimiterStore } from '../../src/execution/tenant-limiter.store.js';
import { connectRedis, uniquePrefix, waitFor } from '../queue/queue-test-support.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';

const CONNECTIONS = 6;

interface Backend {
  /** Stores standing in for separate workers (separate connections / pools). */
  stores: TenantLimiterStore[];
  /** Slots held by the tenant right now, as the backend stores them. */
  heldSlots: (tenant: string) => Promise<number>;
  close: () => Promise<void>;
}

function redisBackend(): Promise<Backend> {
  const prefix = uniquePrefix();
  const keys = new TenantLimiterKeys(prefix);
  const connections: Redis[] = [];
  for (let i = 0; i < CONNECTIONS; i++) connections.push(connectRedis());
  return Promise.resolve({
    stores: connections.map((connection) => new RedisTenantLimiterStore(connection, prefix)),
    heldSlots: (tenant) => connections[0]!.zcard(keys.inFlight(tenant)),
    close: async () => {
      const found = await connections[0]!.keys(`${prefix}:tenant:*`);
      if (found.length > 0) await connections[0]!.del(...found);
      await Promise.all(connections.map((connection) => connection.quit()));
    },
  });
}

async function postgresBackend(): Promise<Backend> {
  const { database, drop } = await createTestDatabase();
  const sources: DataSource[] = [];
  for (let i = 0; i < CONNECTIONS; i++) sources.push(await openDataSource(database));
  return {
    stores: sources.map((source) => new PostgresTenantLimiterStore(source)),
    heldSlots: async (tenant) =>
      Number(
        (
          await sources[0]!.query<Array<{ n: string }>>(
            'SELECT count(*) AS n FROM tenant_execution_slots WHERE tenant_id = $1 AND lapses_at > clock_timestamp()',
            [tenant],
          )
        )[0]!.n,
      ),
    close: async () => {
      await Promise.all(sources.map((source) => source.destroy()));
      await drop();
    },
  };
}

/**
 * The tenant caps on each backend's store, with separate connections standing in for
 * separate workers. Time is the store's: tests wait for its clock, never sleep.
 */
describe.each([
  ['Redis', redisBackend],
  ['PostgreSQL', postgresBackend],
])('tenant limiter store on %s', (_name, open) => {
  let backend: Backend;
  let stores: TenantLimiterStore[];

  beforeAll(async () => {
    backend = await open();
    stores = backend.stores;
  });

  afterAll(async () => {
    await backend.close();
  });

  const concurrency = (max: number) => ({
    maxConcurrentExecutions: max,
    maxExecutionsPerSecond: null,
  });
  const rate = (max: number) => ({ maxConcurrentExecutions: null, maxExecutionsPerSecond: max });

  it('admits exactly the cap among 120 concurrent callers on 6 connections', async () => {
    const tenant = randomUUID();
    const ids = Array.from({ length: 120 }, () => randomUUID());
    const answers = await Promise.all(
      ids.map((id, i) =>
        stores[i % CONNECTIONS]!.acquire(tenant, id, `${id}:1`, concurrency(5), 60_000),
      ),
    );
    expect(answers.filter((answer) => answer.admitted)).toHaveLength(5);
    const refused = answers.filter((answer) => !answer.admitted);
    expect(refused.every((answer) => !answer.admitted && answer.limit === 'concurrency')).toBe(
      true,
    );
    expect(await backend.heldSlots(tenant)).toBe(5);
  });

  it('frees a slot on release, and admits a holder again without counting it twice', async () => {
    const tenant = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const store = stores[0]!;
    expect(await store.acquire(tenant, a, `${a}:1`, concurrency(2), 60_000)).toEqual({
      admitted: true,
    });
    expect(await store.acquire(tenant, b, `${b}:1`, concurrency(2), 60_000)).toEqual({
      admitted: true,
    });
    expect((await store.acquire(tenant, c, `${c}:1`, concurrency(2), 60_000)).admitted).toBe(false);
    // `a` again (its worker retrying after a crash, say): admitted, still 2 slots in use.
    expect((await store.acquire(tenant, a, `${a}:2`, concurrency(2), 60_000)).admitted).toBe(true);
    expect(await backend.heldSlots(tenant)).toBe(2);
    await store.release(tenant, b);
    expect(await store.acquire(tenant, c, `${c}:2`, concurrency(2), 60_000)).toEqual({
      admitted: true,
    });
  });

  it("lets a dead worker's slot lapse after its hold", async () => {
    const tenant = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const store = stores[1]!;
    expect((await store.acquire(tenant, a, `${a}:1`, concurrency(1), 300)).admitted).toBe(true);
    expect((await store.acquire(tenant, b, `${b}:1`, concurrency(1), 300)).admitted).toBe(false);
    // Never released: admitted again once Redis's clock passes the hold.
    await waitFor('the lapsed slot', async () =>
      (await store.acquire(tenant, b, `${b}:2`, concurrency(1), 300)).admitted ? true : undefined,
    );
  });

  it('caps starts per second and says when the oldest start leaves the window', async () => {
    const tenant = randomUUID();
    const store = stores[2]!;
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const answers = [];
    for (const id of ids) answers.push(await store.acquire(tenant, id, `${id}:1`, rate(3), 60_000));
    expect(answers.map((answer) => answer.admitted)).toEqual([true, true, true, false, false]);
    const refused = answers[3]!;
    if (refused.admitted) throw new Error('expected a refusal');
    expect(refused.limit).toBe('rate');
    expect(refused.retryInMs).toBeGreaterThan(0);
    expect(refused.retryInMs).toBeLessThanOrEqual(1000);
    // A start is counted per attempt, not held: no slot for a rate-only tenant.
    expect(await backend.heldSlots(tenant)).toBe(0);
    await waitFor('the window to move on', async () =>
      (await store.acquire(tenant, ids[3]!, `${ids[3]!}:2`, rate(3), 60_000)).admitted
        ? true
        : undefined,
    );
  });
});
