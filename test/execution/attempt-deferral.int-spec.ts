import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { AttemptDeferralService } from '../../src/execution/attempt-deferral.service.js';
import { DestinationLimiter } from '../../src/execution/destination-limiter.js';
import { DestinationMetrics } from '../../src/execution/destination.metrics.js';
import { ExecutionRepository } from '../../src/execution/execution.repository.js';
import type { ClaimedExecution } from '../../src/execution/execution.repository.js';
import { OpenBreakerView } from '../../src/execution/open-breaker-view.js';
import { WorkerIdentity } from '../../src/execution/worker-identity.js';
import { createRedisTestQueue } from '../queue/queue-test-support.js';
import type { RedisTestQueue } from '../queue/queue-test-support.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';

interface ExecutionRow {
  status: string;
  attempts: number;
  error: string | null;
  started_at: Date | null;
  delay_ms: number | null;
}

/**
 * "Delayed, not sent" against real PostgreSQL and Redis: the fenced transition that undoes a
 * claim, then the hand-back to the queue. The attempt must leave no trace in the retry
 * budget or the attempt numbering.
 */
describe('deferring a claimed attempt that was never sent', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let repository: ExecutionRepository;
  let test: RedisTestQueue;
  let registry: Registry;
  let deferral: AttemptDeferralService;
  const identity = new WorkerIdentity();

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    dataSource = await openDataSource(created.database);
    repository = new ExecutionRepository(dataSource);
    test = createRedisTestQueue();
    registry = new Registry();
    deferral = new AttemptDeferralService(
      identity,
      repository,
      test.queue,
      new DestinationMetrics(registry, new OpenBreakerView(60_000), new DestinationLimiter(1)),
    );
  });

  afterAll(async () => {
    await test.close();
    await dataSource.destroy();
    await drop();
  });

  async function newExecution(executionType: 'AT_LEAST_ONCE' | 'AT_MOST_ONCE'): Promise<string> {
    const [job] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO jobs (tenant_id, name, cron_expression, http_url, http_headers, retry_policy,
                         version, execution_type)
       VALUES ($2, 'deferral', '0 0 0 1 1 *', 'http://127.0.0.1:9/', '{}',
               '{"maxAttempts":2,"initialBackoffMs":1000,"maxBackoffMs":1000}', 1, $1)
       RETURNING id`,
      [executionType, DEFAULT_TENANT_ID],
    );
    const [execution] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO executions (job_id, scheduled_at, status) VALUES ($1, now(), 'QUEUED')
       RETURNING id`,
      [job!.id],
    );
    return execution!.id;
  }

  /** Leases the item in the queue and claims it in PostgreSQL, as the worker loop does. */
  async function claim(id: string): Promise<ClaimedExecution> {
    await test.queue.enqueue([{ id, dueAt: await test.queue.now() }]);
    expect((await test.queue.claim(1, 60_000, identity.leaseToken)).ids).toEqual([id]);
    const [claimed] = await repository.claim([id], identity.id);
    expect(claimed?.attempt).not.toBeNull();
    return claimed!;
  }

  async function row(id: string): Promise<ExecutionRow> {
    const [found] = await dataSource.query<ExecutionRow[]>(
      `SELECT status, attempts, error, started_at,
              round(extract(epoch FROM next_attempt_at - clock_timestamp()) * 1000)::int AS delay_ms
       FROM executions WHERE id = $1`,
      [id],
    );
    return found!;
  }

  const attemptNumbers = async (id: string): Promise<number[]> =>
    (
      await dataSource.query<Array<{ attempt: number }>>(
        'SELECT attempt FROM execution_attempts WHERE execution_id = $1 ORDER BY attempt',
        [id],
      )
    ).map((r) => r.attempt);

  async function deferredCount(reason: string): Promise<number> {
    const metric = (await registry.getMetricsAsJSON()).find(
      (m) => m.name === 'jobsched_attempts_deferred_total',
    );
    return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
  }

  it('undoes the claim: RETRYING, attempt not counted, its row gone, due after the delay', async () => {
    const id = await newExecution('AT_MOST_ONCE');
    const claimed = await claim(id);
    expect(claimed.attempt).toBe(1);
    const reason = 'delayed: circuit open for http://127.0.0.1:9 after 5 consecutive failures';
    const before = await test.queue.now();

    await deferral.defer(claimed, 1, 'circuit_open', 60_000, reason);

    const deferred = await row(id);
    expect(deferred).toMatchObject({ status: 'RETRYING', attempts: 0, error: reason });
    expect(deferred.started_at).toBeNull();
    expect(deferred.delay_ms).toBeGreaterThan(55_000);
    expect(deferred.delay_ms).toBeLessThanOrEqual(60_000);
    expect(await attemptNumbers(id)).toEqual([]);
    const due = Number(await test.redis.zscore(test.keys.delayed, id));
    expect(due).toBeGreaterThanOrEqual(before + 60_000);
    expect(await test.redis.hget(test.keys.leases, id)).toBeNull();
    expect(await deferredCount('circuit_open')).toBe(1);
  });

  it('keeps the retry budget and X-Attempt numbering: the next claim is attempt 1 again', async () => {
    const id = await newExecution('AT_LEAST_ONCE');
    const first = await claim(id);
    await deferral.defer(first, 1, 'circuit_open', 1, 'delayed: test');
    await test.queue.remove([id]);

    const again = await claim(id);
    expect(again.attempt).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'RUNNING', attempts: 1 });
    expect(await attemptNumbers(id)).toEqual([1]);
  });

  it('after a real attempt, removes only the deferred attempt and keeps started_at', async () => {
    const id = await newExecution('AT_LEAST_ONCE');
    await claim(id);
    await repository.record([
      {
        id,
        attempt: 1,
        status: 'RETRYING',
        httpStatus: 503,
        durationMs: 3,
        responseExcerpt: '',
        error: 'HTTP 503',
        nextAttemptAt: null,
      },
    ]);
    // The first attempt's retry, acknowledged as the worker would (here: due at once).
    expect(await test.queue.complete(id, identity.leaseToken, 'completed')).toBe(true);
    const second = await claim(id);
    expect(second.attempt).toBe(2);

    await deferral.defer(second, 2, 'destination_busy', 2_000, 'delayed: busy');
    const deferred = await row(id);
    expect(deferred).toMatchObject({ status: 'RETRYING', attempts: 1, error: 'delayed: busy' });
    expect(deferred.started_at).not.toBeNull();
    expect(await attemptNumbers(id)).toEqual([1]);
    expect(await deferredCount('destination_busy')).toBe(1);
  });

  it('is fenced by status RUNNING and the claimed attempt number', async () => {
    const id = await newExecution('AT_LEAST_ONCE');
    const claimed = await claim(id);
    expect(await repository.deferClaimed(id, 2, 1_000, 'wrong attempt')).toBe(false);
    expect(await row(id)).toMatchObject({ status: 'RUNNING', attempts: 1 });

    await deferral.defer(claimed, 1, 'circuit_open', 1_000, 'delayed: once');
    // A second deferral of the same attempt (e.g. a worker whose lease was lost) changes nothing.
    expect(await repository.deferClaimed(id, 1, 1_000, 'delayed: twice')).toBe(false);
    expect(await repository.deferClaimed(id, 0, 1_000, 'delayed: attempt 0')).toBe(false);
    expect(await row(id)).toMatchObject({
      status: 'RETRYING',
      attempts: 0,
      error: 'delayed: once',
    });
  });

  it('hands the item back to ready at once when there is no delay (worker stopping)', async () => {
    const id = await newExecution('AT_MOST_ONCE');
    const claimed = await claim(id);
    await deferral.defer(claimed, 1, 'shutdown', 0, 'delayed: the worker stopped');
    expect(await test.redis.zscore(test.keys.ready, id)).not.toBeNull();
    expect(await test.redis.hget(test.keys.leases, id)).toBeNull();
    expect(await row(id)).toMatchObject({ status: 'RETRYING', attempts: 0 });
    // Never sent, so an AT_MOST_ONCE execution may still be claimed and sent.
    const [again] = await repository.claim([id], identity.id);
    expect(again?.attempt).toBe(1);
  });
});
