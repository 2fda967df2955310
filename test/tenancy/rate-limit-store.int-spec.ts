import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { QUEUE_BACKENDS } from '../../src/config/app-config.js';
import type { QueueBackend } from '../../src/config/app-config.js';
import { PostgresRateLimitStore } from '../../src/tenancy/postgres-rate-limit.store.js';
import type { RateLimitStore } from '../../src/tenancy/rate-limit.store.js';
import { RedisRateLimitStore } from '../../src/tenancy/redis-rate-limit.store.js';
import { connectRedis, uniquePrefix, waitFor } from '../queue/queue-test-support.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';

interface Stores {
  /** A store as one API replica would have it, on a connection of its own. */
  replica: () => Promise<RateLimitStore>;
  close: () => Promise<void>;
}

async function storesOn(backend: QueueBackend): Promise<Stores> {
  switch (backend) {
    case 'redis': {
      const prefix = uniquePrefix();
      const connections: Redis[] = [];
      return {
        replica: () => {
          const redis = connectRedis();
          connections.push(redis);
          return Promise.resolve(new RedisRateLimitStore(redis, prefix));
        },
        close: async () => {
          await Promise.all(connections.map((redis) => redis.quit()));
        },
      };
    }
    case 'postgres': {
      const { database, drop } = await createTestDatabase();
      const closers: Array<() => Promise<void>> = [];
      return {
        replica: async () => {
          const dataSource = await openDataSource({ ...database, poolSize: 3 });
          closers.push(() => dataSource.destroy());
          return new PostgresRateLimitStore(dataSource);
        },
        close: async () => {
          for (const close of closers) await close();
          await drop();
        },
      };
    }
  }
}

/** A fixed window per key, shared by every replica (the API rate limit's store). */
describe.each(QUEUE_BACKENDS)('the rate-limit store on %s', (backend) => {
  let stores: Stores;
  let first: RateLimitStore;
  let second: RateLimitStore;
  beforeAll(async () => {
    stores = await storesOn(backend);
    [first, second] = [await stores.replica(), await stores.replica()];
  });
  afterAll(async () => {
    await stores.close();
  });

  it('counts each key on its own, across replicas, and says when the window ends', async () => {
    expect((await first.hit('key-a', 60_000)).count).toBe(1);
    expect((await second.hit('key-a', 60_000)).count).toBe(2);
    expect((await second.hit('key-b', 60_000)).count).toBe(1);
    const third = await first.hit('key-a', 60_000);
    expect(third.count).toBe(3);
    expect(third.resetInMs).toBeGreaterThan(0);
    expect(third.resetInMs).toBeLessThanOrEqual(60_000);
  });

  it('never reports more time left than the window itself', async () => {
    for (let i = 0; i < 20; i++) {
      const hit = await first.hit(`window-${i}`, 200);
      expect(hit.count).toBe(1);
      expect(hit.resetInMs).toBeGreaterThan(0);
      expect(hit.resetInMs).toBeLessThanOrEqual(200);
    }
  });

  it('loses no hit when replicas count one key at the same time', async () => {
    const hits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? first : second).hit('busy', 60_000)),
    );
    expect(hits.map((hit) => hit.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });

  it('starts counting again once the window has ended', async () => {
    expect((await first.hit('short', 200)).count).toBe(1);
    expect((await first.hit('short', 200)).count).toBe(2);
    const fresh = await waitFor('a new window', async () => {
      const hit = await second.hit('short', 200);
      return hit.count === 1 ? hit : undefined;
    });
    expect(fresh.resetInMs).toBeGreaterThan(0);
    expect(fresh.resetInMs).toBeLessThanOrEqual(200);
  });
});
