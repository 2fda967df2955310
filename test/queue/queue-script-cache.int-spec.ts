import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RedisExecutionQueue } from '../../src/queue/redis-execution-queue.js';
import { QUEUE_SCRIPTS, scriptFileUrl } from '../../src/queue/queue-scripts.js';
import type { QueueScriptName } from '../../src/queue/queue-scripts.js';
import { createRedisTestQueue } from './queue-test-support.js';
import type { RedisTestQueue } from './queue-test-support.js';

function sha1(name: QueueScriptName): string {
  return createHash('sha1')
    .update(readFileSync(scriptFileUrl(name), 'utf8'))
    .digest('hex');
}

/**
 * Redis forgets loaded scripts on SCRIPT FLUSH, a restart or a failover to a replica. The
 * queue must keep working: ioredis sends EVALSHA and, on NOSCRIPT, EVAL with the source.
 */
describe('execution queue: Redis script cache', () => {
  let test: RedisTestQueue;
  beforeAll(() => {
    test = createRedisTestQueue();
  });
  afterAll(async () => {
    await test.close();
  });

  it('keeps working after SCRIPT FLUSH, reloading each script on first use', async () => {
    const { queue, redis } = test;
    const now = await queue.now();
    await queue.enqueue([{ id: 'before-flush', dueAt: now }]);
    expect(await redis.script('EXISTS', sha1('addItems'))).toEqual([1]);

    await redis.script('FLUSH');
    expect(await redis.script('EXISTS', sha1('addItems'), sha1('claimItems'))).toEqual([0, 0]);

    await queue.enqueue([{ id: 'after-flush', dueAt: now }]);
    const { ids } = await queue.claim(2, 60_000, 'worker');
    expect([...ids].sort()).toEqual(['after-flush', 'before-flush']);
    expect(await queue.complete('after-flush', 'worker', 'completed')).toBe(true);
    expect(await redis.script('EXISTS', sha1('addItems'), sha1('claimItems'))).toEqual([1, 1]);
  });

  it('defines its commands once per connection, under versioned names', async () => {
    const { redis, prefix } = test;
    const second = new RedisExecutionQueue(redis, prefix);
    expect(await second.stats()).toMatchObject({ processing: 1, completed: 1 });
    for (const name of Object.keys(QUEUE_SCRIPTS)) {
      expect(typeof (redis as unknown as Record<string, unknown>)[`jobsched_v1_${name}`]).toBe(
        'function',
      );
    }
  });
});
