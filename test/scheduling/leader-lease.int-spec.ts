import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { QUEUE_BACKENDS } from '../../src/config/app-config.js';
import type { QueueBackend } from '../../src/config/app-config.js';
import type { LeaderLease } from '../../src/scheduling/leader-lease.js';
import { LeadershipLostError } from '../../src/scheduling/leadership-lost.error.js';
import { PostgresLeaderLease } from '../../src/scheduling/postgres-leader-lease.js';
import { RedlockLeaderLease } from '../../src/scheduling/redlock-leader-lease.js';
import { connectRedis, uniquePrefix, waitFor } from '../queue/queue-test-support.js';
import { freePort } from '../support/service-process.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';

interface Candidates {
  /** A lease object as one scheduler process would have it, on a connection of its own. */
  candidate: () => LeaderLease;
  /** The same kind of lease on a backend nothing listens for. */
  unreachable: () => Promise<LeaderLease>;
  close: () => Promise<void>;
}

async function candidatesOn(backend: QueueBackend): Promise<Candidates> {
  switch (backend) {
    case 'redis': {
      const prefix = uniquePrefix();
      const connections: Redis[] = [];
      return {
        candidate: () => {
          const redis = connectRedis();
          connections.push(redis);
          return new RedlockLeaderLease(redis, prefix);
        },
        unreachable: async () => {
          const redis = new Redis({ port: await freePort(), maxRetriesPerRequest: 0 });
          redis.on('error', () => undefined); // the refused connections this test wants
          connections.push(redis);
          return new RedlockLeaderLease(redis, prefix);
        },
        close: () => {
          for (const redis of connections) redis.disconnect();
          return Promise.resolve();
        },
      };
    }
    case 'postgres': {
      const { database, drop } = await createTestDatabase();
      const dataSource: DataSource = await openDataSource(database);
      const pools: pg.Pool[] = [];
      return {
        candidate: () => new PostgresLeaderLease(dataSource),
        unreachable: async () => {
          const pool = new pg.Pool({ host: '127.0.0.1', port: await freePort() });
          pools.push(pool);
          return new PostgresLeaderLease(pool);
        },
        close: async () => {
          await Promise.all(pools.map((pool) => pool.end()));
          await dataSource.destroy();
          await drop();
        },
      };
    }
  }
}

/** At most one holder at a time, judged by the backend's clock; the rest is the epoch's job. */
describe.each(QUEUE_BACKENDS)('the leader lease on %s', (backend) => {
  let candidates: Candidates;
  beforeAll(async () => {
    candidates = await candidatesOn(backend);
  });
  afterAll(async () => {
    await candidates.close();
  });

  it('goes to one of two candidates; the other is told it is held', async () => {
    const [a, b] = [candidates.candidate(), candidates.candidate()];
    const results = await Promise.all([a.acquire('a', 60_000), b.acquire('b', 60_000)]);
    const won = results.filter((lease) => lease !== null);
    expect(won).toHaveLength(1);
    expect(won[0]!.valid).toBe(true);
    await won[0]!.extend(60_000);
    expect(await candidates.candidate().acquire('c', 60_000)).toBeNull();

    // Released (a scheduler shutting down): the next candidate takes it at once.
    await won[0]!.release();
    const next = await candidates.candidate().acquire('c', 60_000);
    expect(next).not.toBeNull();
    await next!.release();
  });

  it('runs out after its TTL when not extended (a paused holder), and the holder is then fenced out', async () => {
    const paused = await candidates.candidate().acquire('paused', 300);
    expect(paused).not.toBeNull();
    const successor = await waitFor('the lease to run out', () =>
      candidates
        .candidate()
        .acquire('successor', 60_000)
        .then((lease) => lease ?? undefined),
    );
    expect(paused!.valid).toBe(false);
    await expect(paused!.extend(60_000)).rejects.toThrow(LeadershipLostError);
    expect(successor.valid).toBe(true);
    await successor.extend(60_000);
    await successor.release();
  });

  it('rejects, rather than answering "held", when its backend is unreachable', async () => {
    const lease = await candidates.unreachable();
    await expect(lease.acquire('cut-off', 1_000)).rejects.toThrow();
  });
});
