import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, createRedisTestQueue, createTestQueue } from './queue-test-support.js';
import type { RedisTestQueue, TestQueue } from './queue-test-support.js';

/**
 * PostgreSQL is the truth: `missing` tells the leader which executions the queue does not
 * have (Redis lost its data, or a leader died between marking rows QUEUED and enqueueing
 * them), so it can enqueue them again.
 */
describe.each(BACKENDS)('execution queue on %s: what is missing', (backend) => {
  let test: TestQueue;
  beforeAll(async () => {
    test = await createTestQueue(backend);
  });
  afterAll(async () => {
    await test.close();
  });

  it('reports only the ids that are in none of delayed, ready and processing', async () => {
    const { queue } = test;
    const now = await queue.now();
    await queue.enqueue([
      { id: 'processing', dueAt: now - 1 },
      { id: 'ready', dueAt: now },
      { id: 'delayed', dueAt: now + 60_000 },
      { id: 'completed', dueAt: now + 1 },
    ]);
    expect((await queue.claim(1, 60_000, 'worker')).ids).toEqual(['processing']);

    expect(await queue.missing(['ready', 'never-enqueued', 'delayed', 'processing'])).toEqual([
      'never-enqueued',
    ]);
  });

  it('handles long id lists (longer than one Redis script call takes)', async () => {
    const { queue } = test;
    const now = await queue.now();
    const ids = Array.from({ length: 2_500 }, (_, i) => `bulk-${i}`);
    const present = ids.filter((_, i) => i % 2 === 0);
    expect(await queue.enqueue(present.map((id) => ({ id, dueAt: now + 60_000 })))).toBe(1_250);

    const missing = await queue.missing(ids);
    expect(missing).toEqual(ids.filter((_, i) => i % 2 === 1));
    expect(await queue.remove(ids)).toBe(1_250);
    expect(await queue.missing(present)).toEqual(present);
  });
});

/**
 * Redis is the fast path and may lose the queue's data. Loss is simulated by deleting every
 * key of this queue, which is what a FLUSHALL or an empty restart does to it, without
 * disturbing other test files that share the Redis server.
 */
describe('execution queue on redis: rebuild after Redis lost its data', () => {
  let test: RedisTestQueue;
  beforeAll(() => {
    test = createRedisTestQueue();
  });
  afterAll(async () => {
    await test.close();
  });

  it('after the loss reports every id, and enqueueing them restores a working queue', async () => {
    const { queue, redis, keys } = test;
    const ids = ['processing', 'ready', 'delayed', 'never-enqueued'];
    const now = await queue.now();
    await queue.enqueue([
      { id: 'processing', dueAt: now - 1 },
      { id: 'ready', dueAt: now },
      { id: 'delayed', dueAt: now + 60_000 },
    ]);
    expect((await queue.claim(1, 60_000, 'worker')).ids).toEqual(['processing']);
    await redis.del(...keys.all());

    expect(await queue.missing(ids)).toEqual(ids);
    // The lease went with the data: the worker that held it can no longer ack.
    expect(await queue.complete('processing', 'worker', 'completed')).toBe(false);

    expect(await queue.enqueue(ids.map((id) => ({ id, dueAt: now })))).toBe(ids.length);
    expect(await queue.missing(ids)).toEqual([]);
    const claimed = await queue.claim(10, 60_000, 'new-worker');
    expect([...claimed.ids].sort()).toEqual([...ids].sort());
  });
});
