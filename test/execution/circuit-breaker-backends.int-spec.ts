import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { BreakerPolicy } from '../../src/execution/circuit-breaker.rules.js';
import type { CircuitBreakerStore } from '../../src/execution/circuit-breaker.store.js';
import { PostgresCircuitBreakerStore } from '../../src/execution/postgres-circuit-breaker.store.js';
import { RedisCircuitBreakerStore } from '../../src/execution/redis-circuit-breaker.store.js';
import { connectRedis, uniquePrefix, waitFor } from '../queue/queue-test-support.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';

const policy: BreakerPolicy = { failureThreshold: 3, cooldownMs: 300 };
const WORKERS = 6;
const CALLERS = 60;

interface Backend {
  stores: CircuitBreakerStore[];
  close: () => Promise<void>;
}

function redisBackend(): Promise<Backend> {
  const prefix = uniquePrefix();
  const connections: Redis[] = Array.from({ length: WORKERS }, () => connectRedis());
  return Promise.resolve({
    stores: connections.map((c) => new RedisCircuitBreakerStore(c, prefix, policy)),
    close: async () => {
      const found = await connections[0]!.keys(`${prefix}:*`);
      if (found.length > 0) await connections[0]!.del(...found);
      await Promise.all(connections.map((c) => c.quit()));
    },
  });
}

async function postgresBackend(): Promise<Backend> {
  const { database, drop } = await createTestDatabase();
  const sources: DataSource[] = [];
  for (let i = 0; i < WORKERS; i++) sources.push(await openDataSource(database));
  return {
    stores: sources.map((source) => new PostgresCircuitBreakerStore(source, policy)),
    close: async () => {
      await Promise.all(sources.map((source) => source.destroy()));
      await drop();
    },
  };
}

/**
 * The same breaker behaviour from both backends' stores (the Redis one is also checked
 * against the rules step by step in circuit-breaker-store.int-spec.ts): it opens after the
 * threshold, rejects while open, lets exactly one probe through among many workers once the
 * cooldown is over (by the store's clock), and closes on the probe's success.
 */
describe.each([
  ['Redis', redisBackend],
  ['PostgreSQL', postgresBackend],
])('circuit breaker store on %s', (_name, open) => {
  let backend: Backend;
  let destinations = 0;
  const fresh = (): string => `http://127.0.0.1:${20_000 + ++destinations}`;

  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend.close();
  });

  it('opens after 3 consecutive failures, one probe among 60 callers after the cooldown, closes on success', async () => {
    const [store] = backend.stores as [CircuitBreakerStore];
    const destination = fresh();
    const transitions: Array<string | null> = [];
    for (let i = 1; i <= 3; i++) {
      const admitted = await store.admit(destination, { id: `a${i}`, probeLeaseMs: 5000 });
      expect(admitted.admission).toBe('send');
      transitions.push((await store.recordOutcome(destination, `a${i}`, 'failure')).transition);
    }
    expect(transitions).toEqual([null, null, 'open']);
    const rejected = await store.admit(destination, { id: 'b', probeLeaseMs: 5000 });
    expect(rejected.admission).toBe('reject');
    expect(rejected.retryAfterMs).toBeGreaterThan(0);
    expect(rejected.retryAfterMs).toBeLessThanOrEqual(policy.cooldownMs);

    // Batches of 60 concurrent callers on 6 connections until the cooldown is over by the
    // store's clock: every batch before it is all rejections; the batch that crosses it has
    // exactly one probe, and everyone after the probe in it is rejected (half-open).
    let probeId: string | undefined;
    let batch = 0;
    await waitFor('the cooldown to end', async () => {
      batch += 1;
      const answers = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          backend.stores[i % WORKERS]!.admit(destination, {
            id: `c${batch}-${i}`,
            probeLeaseMs: 60_000,
          }),
        ),
      );
      expect(answers.filter((answer) => answer.admission === 'send')).toHaveLength(0);
      const probes = answers.flatMap((answer, i) =>
        answer.admission === 'probe' ? [`c${batch}-${i}`] : [],
      );
      expect(probes.length).toBeLessThanOrEqual(1);
      probeId = probes[0];
      return probeId;
    });
    const closed = await store.recordOutcome(destination, probeId!, 'success');
    expect(closed).toMatchObject({ state: 'closed', transition: 'closed' });
    expect((await store.admit(destination, { id: 'd', probeLeaseMs: 5000 })).admission).toBe(
      'send',
    );
  });

  it('resets the consecutive count on a success while closed', async () => {
    const [store] = backend.stores as [CircuitBreakerStore];
    const destination = fresh();
    await store.recordOutcome(destination, 'x1', 'failure');
    await store.recordOutcome(destination, 'x2', 'failure');
    await store.recordOutcome(destination, 'x3', 'success');
    const afterSuccess = await store.recordOutcome(destination, 'x4', 'failure');
    expect(afterSuccess).toMatchObject({ state: 'closed', failures: 1, transition: null });
  });
});
