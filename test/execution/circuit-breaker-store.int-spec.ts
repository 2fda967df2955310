import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { BreakerKeys } from '../../src/execution/breaker-keys.js';
import {
  CLOSED_RECORD,
  admitAttempt,
  recordOutcome,
} from '../../src/execution/circuit-breaker.rules.js';
import type {
  BreakerPolicy,
  BreakerRecord,
  BreakerState,
  BreakerVerdict,
} from '../../src/execution/circuit-breaker.rules.js';
import type { AdmitResult, OutcomeResult } from '../../src/execution/circuit-breaker.store.js';
import {
  BREAKER_IDLE_EXPIRY_MS,
  RedisCircuitBreakerStore,
} from '../../src/execution/redis-circuit-breaker.store.js';
import { connectRedis, uniquePrefix, waitFor } from '../queue/queue-test-support.js';

/** Short enough to wait out on Redis's clock; the rules do not depend on its size. */
const policy: BreakerPolicy = { failureThreshold: 3, cooldownMs: 300 };
const CONNECTIONS = 8;
const CALLERS = 200;

/**
 * The Redis store against real Redis, with separate connections standing in for separate
 * workers. Time is Redis's: the tests wait for Redis's clock to pass an instant, never sleep.
 */
describe('circuit breaker store on Redis', () => {
  const prefix = uniquePrefix();
  const keys = new BreakerKeys(prefix);
  const connections: Redis[] = [];
  let redis: Redis;
  let store: RedisCircuitBreakerStore;
  let peers: RedisCircuitBreakerStore[];
  let destinations = 0;

  beforeAll(() => {
    for (let i = 0; i < CONNECTIONS; i++) connections.push(connectRedis());
    redis = connections[0]!;
    store = new RedisCircuitBreakerStore(redis, prefix, policy);
    peers = connections.map(
      (connection) => new RedisCircuitBreakerStore(connection, prefix, policy),
    );
  });

  afterAll(async () => {
    const found = await redis.keys(keys.pattern());
    if (found.length > 0) await redis.del(...found);
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  /** A destination no other test uses. */
  const fresh = (): string => `http://127.0.0.1:${10_000 + ++destinations}`;

  async function redisNow(): Promise<number> {
    const [seconds, micros] = await redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async function waitForRedisTime(epochMs: number): Promise<void> {
    await waitFor(`Redis time ${epochMs}`, async () =>
      (await redisNow()) >= epochMs ? true : undefined,
    );
  }

  async function stored(destination: string): Promise<BreakerRecord> {
    const hash = await redis.hgetall(keys.destination(destination));
    if (Object.keys(hash).length === 0) return { ...CLOSED_RECORD };
    return {
      state: hash.state as BreakerState,
      failures: Number(hash.failures ?? 0),
      retryAt: Number(hash.retryAt ?? 0),
      probe: hash.probe ?? null,
    };
  }

  async function open(destination: string): Promise<void> {
    for (let i = 0; i < policy.failureThreshold; i++) {
      await store.recordOutcome(destination, `trip-${i}`, 'failure');
    }
    expect((await stored(destination)).state).toBe('open');
  }

  /**
   * Runs each step on Redis and on the TypeScript rules (fed the instant the script read
   * from Redis), and requires the same answer and the same stored record after every step.
   */
  class Parity {
    model: BreakerRecord = { ...CLOSED_RECORD };
    constructor(readonly destination: string) {}

    async admit(id: string, probeLeaseMs: number): Promise<AdmitResult> {
      const before = this.model;
      const result = await store.admit(this.destination, { id, probeLeaseMs });
      const expected = admitAttempt(before, result.decidedAt, { id, probeLeaseMs }, policy);
      expect(result).toEqual({
        admission: expected.admission,
        state: expected.record.state,
        failures: expected.record.failures,
        retryAfterMs: expected.retryAfterMs,
        transition: expected.transition,
        decidedAt: result.decidedAt,
      });
      await this.check(expected.record);
      return result;
    }

    async report(id: string, verdict: BreakerVerdict): Promise<OutcomeResult> {
      const before = this.model;
      const result = await store.recordOutcome(this.destination, id, verdict);
      const expected = recordOutcome(before, result.decidedAt, id, verdict, policy);
      expect(result).toEqual({
        state: expected.record.state,
        failures: expected.record.failures,
        transition: expected.transition,
        decidedAt: result.decidedAt,
      });
      await this.check(expected.record);
      return result;
    }

    private async check(expected: BreakerRecord): Promise<void> {
      this.model = expected;
      expect(await stored(this.destination)).toEqual(expected);
    }
  }

  it('answers exactly as the rules do, step by step, through every state', async () => {
    const breaker = new Parity(fresh());
    expect((await breaker.admit('a1', 5_000)).admission).toBe('send');
    await breaker.report('a1', 'failure');
    await breaker.report('a2', 'success');
    await breaker.report('a3', 'failure');
    await breaker.report('a4', 'failure');
    await breaker.report('a5', 'neutral');
    expect((await breaker.report('a6', 'failure')).transition).toBe('open');

    expect((await breaker.admit('x1', 5_000)).admission).toBe('reject');
    await breaker.report('sent-before-it-opened', 'success');

    await waitForRedisTime(breaker.model.retryAt);
    const probe = await breaker.admit('p1', 200);
    expect(probe).toMatchObject({ admission: 'probe', transition: 'half_open' });
    expect((await breaker.admit('x2', 5_000)).admission).toBe('reject');
    await breaker.report('x2', 'success');
    expect((await breaker.report('p1', 'failure')).transition).toBe('open');
    expect(breaker.model.failures).toBe(4);

    await waitForRedisTime(breaker.model.retryAt);
    expect((await breaker.admit('p2', 100)).admission).toBe('probe');
    // p2's worker "dies": once its lease has run out, the next attempt probes instead.
    await waitForRedisTime(breaker.model.retryAt);
    expect(await breaker.admit('p3', 5_000)).toMatchObject({
      admission: 'probe',
      transition: null,
    });
    await breaker.report('p2', 'success');
    expect(breaker.model.state).toBe('half_open');
    expect((await breaker.report('p3', 'success')).transition).toBe('closed');
    expect(await redis.exists(keys.destination(breaker.destination))).toBe(0);
  });

  it(`gives exactly one of ${CALLERS} concurrent callers the half-open probe`, async () => {
    const destination = fresh();
    await open(destination);
    await waitForRedisTime((await stored(destination)).retryAt);

    const results = await Promise.all(
      Array.from({ length: CALLERS }, (_, i) =>
        peers[i % CONNECTIONS]!.admit(destination, { id: `caller-${i}`, probeLeaseMs: 60_000 }),
      ),
    );
    const probes = results.filter((r) => r.admission === 'probe');
    expect(probes).toHaveLength(1);
    expect(results.filter((r) => r.admission === 'reject')).toHaveLength(CALLERS - 1);
    expect(results.filter((r) => r.transition === 'half_open')).toHaveLength(1);
    const winner = results.indexOf(probes[0]!);
    expect((await stored(destination)).probe).toBe(`caller-${winner}`);
  });

  it(`opens exactly once when ${CALLERS} failures are reported at the same time`, async () => {
    const destination = fresh();
    const results = await Promise.all(
      Array.from({ length: CALLERS }, (_, i) =>
        peers[i % CONNECTIONS]!.recordOutcome(destination, `attempt-${i}`, 'failure'),
      ),
    );
    expect(results.filter((r) => r.transition === 'open')).toHaveLength(1);
    // Reports after it opened are stale: the count stays the one that opened it.
    expect(await stored(destination)).toMatchObject({
      state: 'open',
      failures: policy.failureThreshold,
    });
  });

  it('lets only the probe decide a half-open breaker', async () => {
    const destination = fresh();
    await open(destination);
    await waitForRedisTime((await stored(destination)).retryAt);
    expect((await store.admit(destination, { id: 'probe', probeLeaseMs: 60_000 })).admission).toBe(
      'probe',
    );

    for (const verdict of ['success', 'failure', 'neutral'] as const) {
      const result = await store.recordOutcome(destination, 'not-the-probe', verdict);
      expect(result).toMatchObject({ state: 'half_open', transition: null });
    }
    expect((await stored(destination)).probe).toBe('probe');
    expect(await store.recordOutcome(destination, 'probe', 'success')).toMatchObject({
      state: 'closed',
      failures: 0,
      transition: 'closed',
    });
  });

  it('judges the cooldown by Redis time: rejects until then, saying how long is left', async () => {
    const destination = fresh();
    await open(destination);
    const { retryAt } = await stored(destination);
    const rejected = await store.admit(destination, { id: 'early', probeLeaseMs: 60_000 });
    expect(rejected.admission).toBe('reject');
    expect(rejected.retryAfterMs).toBe(retryAt - rejected.decidedAt);
    expect(rejected.retryAfterMs).toBeGreaterThan(0);
    expect(rejected.retryAfterMs).toBeLessThanOrEqual(policy.cooldownMs);
  });

  it('keeps a record under the prefix, named by the destination, expiring when idle', async () => {
    const destination = fresh();
    await store.recordOutcome(destination, 'a', 'failure');
    const key = `${prefix}:breaker:${destination}`;
    expect(keys.destination(destination)).toBe(key);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(BREAKER_IDLE_EXPIRY_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(BREAKER_IDLE_EXPIRY_MS);

    // A success on a closed breaker with no failures writes nothing.
    const quiet = fresh();
    await store.recordOutcome(quiet, 'b', 'success');
    expect(await redis.exists(keys.destination(quiet))).toBe(0);
  });
});
