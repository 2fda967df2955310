import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, createTestQueue, waitFor } from './queue-test-support.js';
import type { TestQueue } from './queue-test-support.js';

/** Every transition on a leased item is fenced by the token that claimed it. */
describe.each(BACKENDS)('execution queue on %s: lease fencing', (backend) => {
  let test: TestQueue;
  beforeAll(async () => {
    test = await createTestQueue(backend);
  });
  afterAll(async () => {
    await test.close();
  });

  async function claimOne(id: string, token: string, leaseMs = 60_000): Promise<void> {
    await test.queue.enqueue([{ id, dueAt: await test.queue.now() }]);
    expect((await test.queue.claim(1, leaseMs, token)).ids).toEqual([id]);
  }

  it('ignores complete, retry, dead-letter, extend and release under a wrong token', async () => {
    const { queue, inspect } = test;
    await claimOne('wrong-token', 'holder');
    const lease = await inspect.lease('wrong-token');
    expect(lease).toMatchObject({ token: 'holder' });
    const before = await queue.stats();

    expect(await queue.complete('wrong-token', 'intruder', 'completed')).toBe(false);
    expect(await queue.complete('wrong-token', 'intruder', 'failed')).toBe(false);
    expect(await queue.retry('wrong-token', 'intruder', 0)).toBe(false);
    expect(await queue.deadLetter('wrong-token', 'intruder')).toBe(false);
    expect(await queue.extendLeases(['wrong-token'], 'intruder', 600_000)).toEqual([]);
    expect(await queue.release(['wrong-token'], 'intruder')).toBe(0);

    expect(await queue.stats()).toEqual(before);
    expect(await inspect.lease('wrong-token')).toEqual(lease);
    expect(await queue.complete('wrong-token', 'holder', 'completed')).toBe(true);
  });

  it('answers false for an item that is not leased at all', async () => {
    const { queue } = test;
    expect(await queue.complete('never-enqueued', 'holder', 'completed')).toBe(false);
    expect(await queue.retry('never-enqueued', 'holder', 0)).toBe(false);
    expect(await queue.deadLetter('never-enqueued', 'holder')).toBe(false);
  });

  it('acknowledges an item once: a second ack by the same holder is refused', async () => {
    const { queue } = test;
    await claimOne('acked-twice', 'holder');
    const completed = (await queue.stats()).completed;

    expect(await queue.complete('acked-twice', 'holder', 'completed')).toBe(true);
    expect(await queue.complete('acked-twice', 'holder', 'completed')).toBe(false);
    expect(await queue.retry('acked-twice', 'holder', 0)).toBe(false);
    expect((await queue.stats()).completed).toBe(completed + 1);
  });

  it('after its lease expires and is requeued, the old holder is fenced out and a new claimer gets the item', async () => {
    const { queue } = test;
    await claimOne('expires', 'slow-worker', 50);

    const requeued = await waitFor('the lease to expire', async () => {
      const ids = await queue.requeueExpiredLeases(100);
      return ids.length > 0 ? ids : undefined;
    });
    expect(requeued).toEqual(['expires']);

    // Requeued but not yet claimed again: the old token holds nothing.
    expect(await queue.complete('expires', 'slow-worker', 'completed')).toBe(false);
    expect(await queue.extendLeases(['expires'], 'slow-worker', 60_000)).toEqual([]);

    expect((await queue.claim(1, 60_000, 'new-worker')).ids).toEqual(['expires']);

    // Claimed by someone else: the old token still cannot touch it.
    expect(await queue.complete('expires', 'slow-worker', 'completed')).toBe(false);
    expect(await queue.retry('expires', 'slow-worker', 0)).toBe(false);
    expect(await queue.deadLetter('expires', 'slow-worker')).toBe(false);
    expect(await queue.release(['expires'], 'slow-worker')).toBe(0);
    expect(await queue.stats()).toMatchObject({ processing: 1, ready: 0 });

    expect(await queue.complete('expires', 'new-worker', 'completed')).toBe(true);
  });
});
