import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, createTestQueue, waitFor } from './queue-test-support.js';
import type { TestQueue } from './queue-test-support.js';

/** Retries wait in delayed by the backend's clock; outcomes are counted; dead letters stay out. */
describe.each(BACKENDS)('execution queue on %s: retry, dead-letter and counters', (backend) => {
  const opened: TestQueue[] = [];
  const fresh = async (): Promise<TestQueue> => {
    const test = await createTestQueue(backend);
    opened.push(test);
    return test;
  };
  afterAll(async () => {
    await Promise.all(opened.map((test) => test.close()));
  });

  let test: TestQueue;
  beforeAll(async () => {
    test = await fresh();
  });

  async function claimOne(queue: TestQueue['queue'], id: string, token: string): Promise<void> {
    await queue.enqueue([{ id, dueAt: await queue.now() }]);
    expect((await queue.claim(1, 60_000, token)).ids).toEqual([id]);
  }

  it("moves a retried item to delayed, due its delay after the backend's now", async () => {
    const { queue, inspect } = await fresh();
    await claimOne(queue, 'retried', 'worker');

    const before = await queue.now();
    expect(await queue.retry('retried', 'worker', 60_000)).toBe(true);
    const after = await queue.now();

    const due = await inspect.dueAt('retried');
    expect(due).toBeGreaterThanOrEqual(before + 60_000);
    expect(due).toBeLessThanOrEqual(after + 60_000);
    expect(await inspect.lease('retried')).toBeNull();
    expect(await queue.complete('retried', 'worker', 'completed')).toBe(false);

    const claim = await queue.claim(1, 60_000, 'worker');
    expect(claim.ids).toEqual([]);
    expect(claim.nextDueInMs).toBeGreaterThan(55_000);
  });

  it('hands a retried item out again once its delay has passed', async () => {
    const { queue } = await fresh();
    await claimOne(queue, 'retry-soon', 'first');
    const retriedAt = await queue.now();
    expect(await queue.retry('retry-soon', 'first', 150)).toBe(true);

    const ids = await waitFor('the retry to become due', async () => {
      const result = await queue.claim(1, 60_000, 'second');
      return result.ids.length > 0 ? result.ids : undefined;
    });
    expect(ids).toEqual(['retry-soon']);
    expect(await queue.now()).toBeGreaterThanOrEqual(retriedAt + 150);
  });

  it('dead-letters an item: out of every live structure, never handed out again', async () => {
    const { queue, inspect } = test;
    await claimOne(queue, 'poison', 'worker');
    const before = await queue.now();

    expect(await queue.deadLetter('poison', 'worker')).toBe(true);
    expect(await queue.deadLetter('poison', 'worker')).toBe(false);
    expect(await inspect.deadLetteredAt('poison')).toBeGreaterThanOrEqual(before);
    expect(await inspect.lease('poison')).toBeNull();
    expect(await queue.claim(10, 60_000, 'worker')).toEqual({ ids: [], nextDueInMs: null });
    expect(await queue.stats()).toMatchObject({ deadLettered: 1, processing: 0, ready: 0 });
  });

  it('hands a dead-lettered item out again once it is enqueued again (a replay)', async () => {
    const { queue } = await fresh();
    await claimOne(queue, 'replayed', 'worker');
    expect(await queue.deadLetter('replayed', 'worker')).toBe(true);
    expect(await queue.missing(['replayed'])).toEqual(['replayed']);

    expect(await queue.enqueue([{ id: 'replayed', dueAt: await queue.now() }])).toBe(1);
    expect(await queue.missing(['replayed'])).toEqual([]);
    expect((await queue.claim(1, 60_000, 'worker')).ids).toEqual(['replayed']);
  });

  it('counts every structure and outcome', async () => {
    const { queue } = await fresh();
    expect(await queue.stats()).toEqual({
      ready: 0,
      delayed: 0,
      processing: 0,
      deadLettered: 0,
      completed: 0,
      failed: 0,
      retrying: 0,
    });

    const now = await queue.now();
    await queue.enqueue(
      ['ok-1', 'ok-2', 'ko', 'again', 'dead', 'held', 'waiting'].map((id) => ({ id, dueAt: now })),
    );
    await queue.enqueue([{ id: 'future', dueAt: now + 60_000 }]);
    // Equal due times are served in id order, so 'waiting' (last) stays in ready.
    const { ids } = await queue.claim(6, 60_000, 'worker');
    expect(ids).toHaveLength(6);

    expect(await queue.complete('ok-1', 'worker', 'completed')).toBe(true);
    expect(await queue.complete('ok-2', 'worker', 'completed')).toBe(true);
    expect(await queue.complete('ko', 'worker', 'failed')).toBe(true);
    expect(await queue.retry('again', 'worker', 60_000)).toBe(true);
    expect(await queue.deadLetter('dead', 'worker')).toBe(true);

    expect(await queue.stats()).toEqual({
      ready: 1, // waiting
      delayed: 2, // future, again
      processing: 1, // held
      deadLettered: 1,
      completed: 2,
      failed: 1,
      retrying: 1,
    });
  });
});
