import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withAdminClient } from '../support/postgres-admin.js';
import type { ExecutionQueue } from '../../src/queue/execution-queue.js';
import {
  BACKENDS,
  createPostgresTestQueue,
  createTestQueue,
  startListening,
  waitFor,
} from './queue-test-support.js';
import type { PostgresTestQueue, TestQueue } from './queue-test-support.js';

/**
 * On PostgreSQL an idle wait lasts far longer than any test here (10 minutes), so only a
 * notification can end it; Redis's waits end by polling. Each wait is bounded by a signal
 * that aborts after 15 s, and the test checks that it was not that signal which ended it.
 */
const NOTIFICATION_ONLY = { maxIdleWaitMs: 600_000 };
const BOUND_MS = 15_000;

async function waitEndedByWork(queue: ExecutionQueue, nextDueInMs: number | null): Promise<void> {
  const bound = AbortSignal.timeout(BOUND_MS);
  await queue.waitForWork(nextDueInMs, bound);
  expect(bound.aborted).toBe(false);
}

describe.each(BACKENDS)('execution queue on %s: an idle claimer wakes for new work', (backend) => {
  let test: TestQueue;
  let other: ExecutionQueue;
  beforeAll(async () => {
    test = await createTestQueue(backend, NOTIFICATION_ONLY);
    other = await test.peer();
    await test.listening();
  });
  afterAll(async () => {
    await test.close();
  });

  async function idle(): Promise<void> {
    expect(await test.queue.claim(10, 60_000, 'idle-worker')).toEqual({
      ids: [],
      nextDueInMs: null,
    });
  }

  it('when another process enqueues due work', async () => {
    await idle();
    const waiting = waitEndedByWork(test.queue, null);
    await other.enqueue([{ id: 'enqueued', dueAt: await other.now() }]);
    await waiting;
    expect((await test.queue.claim(10, 60_000, 'idle-worker')).ids).toEqual(['enqueued']);
  });

  it('when another worker schedules a retry, once it is due', async () => {
    await other.enqueue([{ id: 'retried', dueAt: await other.now() }]);
    expect((await other.claim(1, 60_000, 'busy-worker')).ids).toEqual(['retried']);
    await idle();
    const waiting = waitEndedByWork(test.queue, null);
    expect(await other.retry('retried', 'busy-worker', 100)).toBe(true);
    await waiting;
    const ids = await waitFor('the retry to be due', async () => {
      const { ids: claimed } = await test.queue.claim(10, 60_000, 'idle-worker');
      return claimed.length > 0 ? claimed : undefined;
    });
    expect(ids).toEqual(['retried']);
  });

  it('when a stopping worker releases what it held', async () => {
    await other.enqueue([{ id: 'released', dueAt: await other.now() }]);
    expect((await other.claim(1, 60_000, 'stopping-worker')).ids).toEqual(['released']);
    await idle();
    const waiting = waitEndedByWork(test.queue, null);
    expect(await other.release(['released'], 'stopping-worker')).toBe(1);
    await waiting;
    expect((await test.queue.claim(10, 60_000, 'idle-worker')).ids).toEqual(['released']);
  });

  it("when the leader requeues a dead worker's expired lease", async () => {
    await other.enqueue([{ id: 'expired', dueAt: await other.now() }]);
    expect((await other.claim(1, 50, 'dead-worker')).ids).toEqual(['expired']);
    await idle();
    const waiting = waitEndedByWork(test.queue, null);
    await waitFor('the lease to expire', async () =>
      (await other.requeueExpiredLeases(10)).length > 0 ? true : undefined,
    );
    await waiting;
    expect((await test.queue.claim(10, 60_000, 'idle-worker')).ids).toEqual(['expired']);
  });
});

describe('execution queue on postgres: the listening connection', () => {
  let test: PostgresTestQueue;
  let other: ExecutionQueue;
  beforeAll(async () => {
    test = await createPostgresTestQueue(NOTIFICATION_ONLY);
    other = await test.peer();
  });
  afterAll(async () => {
    await test.close();
  });

  it('is opened by the first wait only, once', async () => {
    const listeners = () =>
      withAdminClient(async (client) => {
        const { rows } = await client.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
          [test.listenerName],
        );
        return rows[0]!.n;
      });
    await test.queue.claim(1, 60_000, 'worker');
    expect(await listeners()).toBe(0);
    await startListening(test.queue);
    await startListening(test.queue);
    expect(await listeners()).toBe(1);
  });

  it('is reopened after the database cut it, and wakes waiters again', async () => {
    await startListening(test.queue);
    await withAdminClient((client) =>
      client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [test.listenerName],
      ),
    );
    await waitFor('the cut to be noticed', () =>
      Promise.resolve(test.queue.listening ? undefined : true),
    );
    await waitFor('the listener to reconnect', () =>
      Promise.resolve(test.queue.listening || undefined),
    );

    expect(await test.queue.claim(10, 60_000, 'worker')).toEqual({ ids: [], nextDueInMs: null });
    const waiting = waitEndedByWork(test.queue, null);
    await other.enqueue([{ id: 'after-reconnect', dueAt: await other.now() }]);
    await waiting;
    expect((await test.queue.claim(10, 60_000, 'worker')).ids).toEqual(['after-reconnect']);
  });
});
