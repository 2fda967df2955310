import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ExecutionQueue } from '../../src/queue/execution-queue.js';
import { BACKENDS, createTestQueue } from './queue-test-support.js';
import type { TestQueue } from './queue-test-support.js';

const ITEMS = 500;
const CLAIMERS = 8;

/** Many workers on their own connections, like separate processes, racing for one queue. */
describe.each(BACKENDS)('execution queue on %s: concurrent claimers', (backend) => {
  let test: TestQueue;
  let peers: ExecutionQueue[];
  beforeAll(async () => {
    test = await createTestQueue(backend);
    peers = await Promise.all(Array.from({ length: CLAIMERS }, () => test.peer()));
  });
  afterAll(async () => {
    await test.close();
  });

  it('adds each item once when every peer enqueues the same batch at the same time', async () => {
    const now = await test.queue.now();
    const items = Array.from({ length: ITEMS }, (_, i) => ({ id: `item-${i}`, dueAt: now }));
    const added = await Promise.all(peers.map((peer) => peer.enqueue(items)));
    expect(added.reduce((sum, count) => sum + count, 0)).toBe(ITEMS);
    expect(await test.queue.stats()).toMatchObject({ ready: ITEMS });
  });

  it(`hands each of ${ITEMS} items to exactly one of ${CLAIMERS} claimers`, async () => {
    const claimedBy = new Map<string, string[]>();
    await Promise.all(
      peers.map(async (peer, index) => {
        const token = `worker-${index}`;
        for (;;) {
          // Small, uneven batches so the claimers interleave many times.
          const { ids } = await peer.claim(1 + (index % 4), 60_000, token);
          if (ids.length === 0) return;
          for (const id of ids) {
            claimedBy.set(id, [...(claimedBy.get(id) ?? []), token]);
            expect(await peer.complete(id, token, 'completed')).toBe(true);
          }
        }
      }),
    );

    expect(claimedBy.size).toBe(ITEMS);
    const twice = [...claimedBy].filter(([, tokens]) => tokens.length > 1);
    expect(twice).toEqual([]);
    expect(new Set([...claimedBy.values()].flat()).size).toBeGreaterThan(1);
    expect(await test.queue.stats()).toMatchObject({
      ready: 0,
      processing: 0,
      completed: ITEMS,
    });
  });
});
