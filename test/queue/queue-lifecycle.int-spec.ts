import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROMOTE_LIMIT } from '../../src/queue/redis-execution-queue.js';
import {
  BACKENDS,
  createRedisTestQueue,
  createTestQueue,
  waitFor,
  waitForBackendTime,
} from './queue-test-support.js';
import type { RedisTestQueue, TestQueue } from './queue-test-support.js';

/**
 * Each test uses its own queue (a Redis prefix, a PostgreSQL database): claims in one must
 * not see another's items.
 */
describe.each(BACKENDS)('execution queue on %s: enqueue and claim', (backend) => {
  const opened: TestQueue[] = [];
  const fresh = async (): Promise<TestQueue> => {
    const test = await createTestQueue(backend);
    opened.push(test);
    return test;
  };
  let anchor: TestQueue;
  beforeAll(async () => {
    anchor = await fresh();
  });
  afterAll(async () => {
    await Promise.all(opened.map((test) => test.close()));
  });

  it('adds an id once, however often and however batched it is enqueued', async () => {
    const { queue } = await fresh();
    const now = await queue.now();
    expect(await queue.enqueue([{ id: 'a', dueAt: now }])).toBe(1);
    expect(await queue.enqueue([{ id: 'a', dueAt: now }])).toBe(0);
    expect(await queue.enqueue([{ id: 'a', dueAt: now + 60_000 }])).toBe(0);
    expect(
      await queue.enqueue([
        { id: 'b', dueAt: now + 60_000 },
        { id: 'b', dueAt: now },
      ]),
    ).toBe(1);
    expect(await queue.stats()).toMatchObject({ ready: 1, delayed: 1, processing: 0 });
  });

  it('does not add an id a worker holds, nor hand it out twice', async () => {
    const { queue } = await fresh();
    const now = await queue.now();
    await queue.enqueue([{ id: 'held', dueAt: now }]);
    expect((await queue.claim(10, 60_000, 'worker-1')).ids).toEqual(['held']);

    expect(await queue.enqueue([{ id: 'held', dueAt: now }])).toBe(0);
    expect(await queue.claim(10, 60_000, 'worker-2')).toEqual({ ids: [], nextDueInMs: null });
  });

  it("judges due-ness by the backend's clock: a future item waits, and claim says how long", async () => {
    const { queue } = await fresh();
    const now = await queue.now();
    await queue.enqueue([{ id: 'later', dueAt: now + 60_000 }]);

    const early = await queue.claim(10, 60_000, 'worker');
    expect(early.ids).toEqual([]);
    expect(early.nextDueInMs).toBeGreaterThan(55_000);
    expect(early.nextDueInMs).toBeLessThanOrEqual(60_000);
  });

  it("hands out a delayed item once the backend's clock reaches its due time, not before", async () => {
    const { queue } = await fresh();
    const dueAt = (await queue.now()) + 200;
    await queue.enqueue([{ id: 'soon', dueAt }]);

    const claimed = await waitFor('the item to become claimable', async () => {
      const result = await queue.claim(1, 60_000, 'worker');
      return result.ids.length > 0 ? result.ids : undefined;
    });
    expect(claimed).toEqual(['soon']);
    expect(await queue.now()).toBeGreaterThanOrEqual(dueAt);
  });

  it('serves the earliest due item first', async () => {
    const { queue } = await fresh();
    const now = await queue.now();
    await queue.enqueue([
      { id: 'due-1s-ago', dueAt: now - 1_000 },
      { id: 'due-3s-ago', dueAt: now - 3_000 },
      { id: 'due-now', dueAt: now },
      { id: 'due-2s-ago', dueAt: now - 2_000 },
    ]);
    expect((await queue.claim(2, 60_000, 'worker')).ids).toEqual(['due-3s-ago', 'due-2s-ago']);
    expect((await queue.claim(2, 60_000, 'worker')).ids).toEqual(['due-1s-ago', 'due-now']);
  });

  it('leases at most `count` items per claim', async () => {
    const { queue } = await fresh();
    const now = await queue.now();
    await queue.enqueue(['1', '2', '3', '4', '5'].map((id) => ({ id, dueAt: now })));

    expect((await queue.claim(2, 60_000, 'worker')).ids).toHaveLength(2);
    expect((await queue.claim(2, 60_000, 'worker')).ids).toHaveLength(2);
    expect((await queue.claim(2, 60_000, 'worker')).ids).toHaveLength(1);
    expect(await queue.claim(2, 60_000, 'worker')).toEqual({ ids: [], nextDueInMs: null });
    expect(await queue.stats()).toMatchObject({ ready: 0, delayed: 0, processing: 5 });
  });

  it('removes ids from delayed and ready but leaves a held item to its holder', async () => {
    const { queue } = await fresh();
    const now = await queue.now();
    await queue.enqueue([
      { id: 'held', dueAt: now },
      { id: 'ready', dueAt: now },
      { id: 'delayed', dueAt: now + 60_000 },
    ]);
    expect((await queue.claim(1, 60_000, 'worker')).ids).toEqual(['held']);

    expect(await queue.remove(['held', 'ready', 'delayed', 'unknown'])).toBe(2);
    expect(await queue.stats()).toMatchObject({ ready: 0, delayed: 0, processing: 1 });
    expect(await queue.complete('held', 'worker', 'completed')).toBe(true);
  });

  it('treats empty id lists as no-ops', async () => {
    const { queue } = anchor;
    expect(await queue.enqueue([])).toBe(0);
    expect(await queue.remove([])).toBe(0);
    expect(await queue.missing([])).toEqual([]);
    expect(await queue.extendLeases([], 'worker', 1_000)).toEqual([]);
    expect(await queue.release([], 'worker')).toBe(0);
  });

  it('rejects arguments no caller should send', async () => {
    const { queue } = anchor;
    await expect(queue.claim(0, 1_000, 'worker')).rejects.toThrow(RangeError);
    await expect(queue.claim(1, 0, 'worker')).rejects.toThrow(RangeError);
    await expect(queue.claim(1, 1_000, '')).rejects.toThrow(RangeError);
    await expect(queue.enqueue([{ id: 'x', dueAt: 1.5 }])).rejects.toThrow(RangeError);
    await expect(queue.enqueue([{ id: '', dueAt: 1 }])).rejects.toThrow(RangeError);
    await expect(queue.retry('x', 'worker', -1)).rejects.toThrow(RangeError);
    await expect(queue.requeueExpiredLeases(0)).rejects.toThrow(RangeError);
  });

  it("reads the time from the backend's clock", async () => {
    const { queue, inspect } = anchor;
    const seconds = Math.floor((await inspect.clock()) / 1000);
    const now = await queue.now();
    expect(Math.floor(now / 1000) - seconds).toBeGreaterThanOrEqual(0);
    expect(Math.floor(now / 1000) - seconds).toBeLessThanOrEqual(1);
  });
});

/** Redis moves due items from delayed to ready inside the claim, a bounded number at a time. */
describe('execution queue on redis: promotion', () => {
  let test: RedisTestQueue;
  beforeAll(() => {
    test = createRedisTestQueue();
  });
  afterAll(async () => {
    await test.close();
  });

  it(`promotes at most ${PROMOTE_LIMIT} due items per claim and says more are due`, async () => {
    const { queue } = test;
    const dueAt = (await queue.now()) + 300;
    const extra = 5;
    await queue.enqueue(
      Array.from({ length: PROMOTE_LIMIT + extra }, (_, i) => ({ id: `item-${i}`, dueAt })),
    );
    expect(await queue.stats()).toMatchObject({ delayed: PROMOTE_LIMIT + extra, ready: 0 });
    await waitForBackendTime(queue, dueAt);

    expect(await queue.claim(1, 60_000, 'worker')).toEqual({
      ids: [expect.any(String)],
      nextDueInMs: 0,
    });
    expect(await queue.stats()).toMatchObject({
      delayed: extra,
      ready: PROMOTE_LIMIT - 1,
      processing: 1,
    });

    expect((await queue.claim(10, 60_000, 'worker')).nextDueInMs).toBeNull();
    expect(await queue.stats()).toMatchObject({ delayed: 0, ready: PROMOTE_LIMIT + extra - 11 });
  });
});
