import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { connectRedis } from '../queue/queue-test-support.js';
import { expectEverySecondOnce } from '../support/delivery-assertions.js';
import { EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const FAILURES = 3;
const COOLDOWN_SECONDS = 2;

interface ExecutionRow {
  id: string;
  job_id: string;
  status: string;
  attempts: number;
  error: string | null;
}

/**
 * Two destinations on two loopback ports, 2 workers: one destination answers 503, the other
 * 200. The failing one's shared breaker opens; its executions are delayed, not sent (and
 * not counted as attempts); the healthy one is not held up; once the failing one recovers,
 * what was delayed is delivered. Assertions are on order and counts, never on durations.
 */
describe('circuit breaker: one destination down, one healthy', () => {
  let cluster: EngineCluster;
  let redis: Redis;
  let downIsUp = false;
  const down = new WebhookReceiver();
  const healthy = new WebhookReceiver();
  const downPaths = ['/alo-1', '/alo-2', '/alo-3', '/amo'];
  const healthyPaths = ['/ok-1', '/ok-2', '/ok-3'];
  for (const path of downPaths) down.on(path, () => ({ status: downIsUp ? 200 : 503 }));
  const downJobs = new Map<string, string>();
  const healthyJobs = new Map<string, string>();

  beforeAll(async () => {
    await Promise.all([down.start(), healthy.start()]);
    redis = connectRedis();
    cluster = await EngineCluster.create({
      env: {
        WEBHOOK_BREAKER_FAILURES: String(FAILURES),
        WEBHOOK_BREAKER_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS),
      },
    });
    await cluster.startScheduler('scheduler');
    await Promise.all([cluster.startWorker('worker-a'), cluster.startWorker('worker-b')]);
  });

  afterAll(async () => {
    await cluster?.close();
    await redis?.quit();
    await Promise.all([down.stop(), healthy.stop()]);
  });

  async function redisNow(): Promise<number> {
    const [seconds, micros] = await redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  const breakerKey = () => `${cluster.env.REDIS_KEY_PREFIX}:breaker:http://127.0.0.1:${down.port}`;

  const downExecutions = () =>
    cluster.db
      .query<ExecutionRow>(
        'SELECT id, job_id, status, attempts, error FROM executions WHERE job_id = ANY($1)',
        [[...downJobs.values()]],
      )
      .then((result) => result.rows);

  it('delays the failing destination, keeps the healthy one flowing, delivers after recovery', async () => {
    for (const path of downPaths) {
      downJobs.set(
        path,
        await cluster.createJob({
          name: `down${path}`,
          cronExpression: '* * * * * *',
          httpUrl: down.url(path),
          executionType: path === '/amo' ? 'AT_MOST_ONCE' : 'AT_LEAST_ONCE',
          retryPolicy: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 200 },
        }),
      );
    }
    for (const path of healthyPaths) {
      healthyJobs.set(
        path,
        await cluster.createJob({
          name: `healthy${path}`,
          cronExpression: '* * * * * *',
          httpUrl: healthy.url(path),
        }),
      );
    }

    // 1. The breaker opens: executions to the failing destination are delayed, not sent.
    const reason = new RegExp(
      `^delayed: circuit open for http://127\\.0\\.0\\.1:${down.port} after \\d+ consecutive failures`,
    );
    await cluster.waitForRows<ExecutionRow>(
      `SELECT id FROM executions WHERE job_id = ANY($1) AND error LIKE 'delayed: circuit open%'`,
      [[...downJobs.values()]],
      (rows) => rows.length > 0,
    );
    expect(down.requests.length).toBeGreaterThanOrEqual(FAILURES);

    // 2. While it is open, the healthy destination's requests keep arriving; the failing one
    //    gets at most one probe per cooldown (judged by Redis's clock, as the breaker is).
    const downBefore = down.requests.length;
    const healthyBefore = healthy.requests.length;
    const openedSeenAt = await redisNow();
    await healthy.waitFor(
      (requests) => requests.length >= healthyBefore + 6 * healthyPaths.length,
      30_000,
      'six more seconds of healthy deliveries',
    );
    const windowMs = (await redisNow()) - openedSeenAt;
    const downDuring = down.requests.length - downBefore;
    const healthyDuring = healthy.requests.length - healthyBefore;
    // +1: a probe admitted just before the window opened may arrive just after.
    const probesAllowed = Math.floor(windowMs / (COOLDOWN_SECONDS * 1000)) + 2;
    expect(downDuring).toBeLessThanOrEqual(probesAllowed);
    // Without the breaker, the 4 failing jobs would have sent at least one request per fire.
    expect(downDuring).toBeLessThan(healthyDuring);
    expect(['open', 'half_open']).toContain(await redis.hget(breakerKey(), 'state'));

    // 3. The destination recovers. From now on whatever reaches it succeeds, so the executions
    //    the breaker delayed and that have not been sent yet (read from the history API: the
    //    reason, no attempt used) must each be delivered as attempt 1, exactly once.
    downIsUp = true;
    const delayedNeverSent = new Map<string, string>();
    for (const [path, jobId] of downJobs) {
      const history = await cluster.api(
        'GET',
        `/api/v1/jobs/${jobId}/history?status=RETRYING&limit=100`,
      );
      expect(history.status).toBe(200);
      for (const item of history.body.items as Array<{
        id: string;
        attempts: number;
        error: string;
      }>) {
        if (reason.test(item.error) && item.attempts === 0) delayedNeverSent.set(item.id, path);
      }
    }
    const delayedPaths = new Set(delayedNeverSent.values());
    // Both execution types are delayed alike: nothing left the worker.
    expect(delayedPaths).toContain('/amo');
    expect([...delayedPaths].some((path) => path.startsWith('/alo'))).toBe(true);

    const ids = [...delayedNeverSent.keys()];
    await cluster.waitForRows<ExecutionRow>(
      'SELECT id, status FROM executions WHERE id = ANY($1)',
      [ids],
      (rows) => rows.length === ids.length && rows.every((row) => row.status === 'SUCCEEDED'),
      60_000,
    );
    for (const id of ids) {
      expect(down.requests.filter((r) => r.executionId === id).map((r) => r.attempt)).toEqual([1]);
    }
    expect(await redis.exists(breakerKey())).toBe(0);

    // Attempts count only what was sent: for every settled execution of the failing
    // destination (settled ones are never sent again), its attempt counter equals the requests
    // received, numbered 1, 2, ...
    const rows = (await downExecutions()).filter((row) =>
      ['SUCCEEDED', 'FAILED'].includes(row.status),
    );
    expect(rows.length).toBeGreaterThan(ids.length);
    for (const row of rows) {
      const received = down.requests.filter((r) => r.executionId === row.id).map((r) => r.attempt);
      expect({ id: row.id, attempts: received }).toEqual({
        id: row.id,
        attempts: Array.from({ length: row.attempts }, (_, i) => i + 1),
      });
    }

    // The healthy destination was never held up: every second of each job, exactly once.
    for (const path of healthyPaths) expectEverySecondOnce(healthy.forPath(path));
  });
});
