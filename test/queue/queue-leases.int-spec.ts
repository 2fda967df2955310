import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, createTestQueue, waitFor, waitForBackendTime } from './queue-test-support.js';
import type { TestQueue } from './queue-test-support.js';

/** Lease deadlines come from the backend's clock; expiry, extension and release move items back. */
describe.each(BACKENDS)('execution queue on %s: leases', (backend) => {
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

  it("sets the lease deadline from the backend's clock, never later than asked", async () => {
    const { queue, inspect } = await fresh();
    const ids = Array.from({ length: 20 }, (_, i) => `timed-${String(i).padStart(2, '0')}`);
    await queue.enqueue(ids.map((id) => ({ id, dueAt: 0 })));
    // One claim at a time: each deadline is checked against the clock around its own claim.
    for (const id of ids) {
      const before = await queue.now();
      expect((await queue.claim(1, 30_000, 'worker')).ids).toEqual([id]);
      const after = await queue.now();

      const deadline = (await inspect.lease(id))!.deadline;
      expect(deadline).toBeGreaterThanOrEqual(before + 30_000);
      expect(deadline).toBeLessThanOrEqual(after + 30_000);
    }
  });

  it('requeues only expired leases, at most `limit` per call, due now', async () => {
    const { queue, inspect } = await fresh();
    const now = await queue.now();
    await queue.enqueue(['a', 'b', 'c', 'kept'].map((id) => ({ id, dueAt: now })));
    const short = await queue.claim(3, 50, 'short-lease');
    expect((await queue.claim(1, 60_000, 'long-lease')).ids).toEqual(['kept']);
    // Every short lease ends by (the backend's time after the claims) + 50 ms.
    await waitForBackendTime(queue, (await queue.now()) + 50);

    const first = await queue.requeueExpiredLeases(2);
    const rest = await queue.requeueExpiredLeases(100);
    expect(first).toHaveLength(2);
    expect([...first, ...rest].sort()).toEqual([...short.ids].sort());
    expect(await queue.requeueExpiredLeases(100)).toEqual([]);

    expect(await queue.stats()).toMatchObject({ ready: 3, processing: 1 });
    expect(await inspect.lease('a')).toBeNull();
    expect(await inspect.dueAt('a')).toBeGreaterThan(now);
  });

  it('keeps an extended lease from expiring', async () => {
    const { queue } = test;
    const now = await queue.now();
    await queue.enqueue([{ id: 'extended', dueAt: now }]);
    await queue.claim(1, 50, 'worker');

    expect(await queue.extendLeases(['extended', 'unknown'], 'worker', 60_000)).toEqual([
      'extended',
    ]);
    await waitForBackendTime(queue, now + 100);
    expect(await queue.requeueExpiredLeases(100)).toEqual([]);
    expect(await queue.complete('extended', 'worker', 'completed')).toBe(true);
  });

  it('still accepts the ack of an expired lease nobody requeued yet (no duplicate delivery happened)', async () => {
    const { queue } = test;
    const now = await queue.now();
    await queue.enqueue([{ id: 'late-ack', dueAt: now }]);
    await queue.claim(1, 50, 'worker');
    await waitForBackendTime(queue, (await queue.now()) + 50);

    expect(await queue.complete('late-ack', 'worker', 'completed')).toBe(true);
    expect(await queue.requeueExpiredLeases(100)).toEqual([]);
  });

  it('releases held items back to ready so another worker claims them at once', async () => {
    const { queue } = await fresh();
    const now = await queue.now();
    await queue.enqueue(['r1', 'r2', 'r3'].map((id) => ({ id, dueAt: now })));
    const { ids } = await queue.claim(3, 60_000, 'stopping-worker');

    expect(await queue.release([...ids, 'unknown'], 'stopping-worker')).toBe(3);
    expect(await queue.release(ids, 'stopping-worker')).toBe(0);
    expect(await queue.complete('r1', 'stopping-worker', 'completed')).toBe(false);
    expect(await queue.stats()).toMatchObject({ ready: 3, processing: 0 });

    const next = await queue.claim(3, 60_000, 'other-worker');
    expect([...next.ids].sort()).toEqual(['r1', 'r2', 'r3']);
  });

  it('needs a requeue pass to hand an expired item to someone else', async () => {
    const { queue } = await fresh();
    const now = await queue.now();
    await queue.enqueue([{ id: 'stalled', dueAt: now }]);
    await queue.claim(1, 50, 'dead-worker');
    await waitForBackendTime(queue, (await queue.now()) + 50);

    expect((await queue.claim(1, 60_000, 'live-worker')).ids).toEqual([]);
    await waitFor('the requeue', async () =>
      (await queue.requeueExpiredLeases(10)).length > 0 ? true : undefined,
    );
    expect((await queue.claim(1, 60_000, 'live-worker')).ids).toEqual(['stalled']);
  });
});
