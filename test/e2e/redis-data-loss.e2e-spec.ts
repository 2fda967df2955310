import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { expectEverySecondOnce } from '../support/delivery-assertions.js';

/**
 * Redis-only: the PostgreSQL backend has no second store to lose.
 *
 * The processes use a Redis database of their own (db 11) so that flushing it cannot disturb
 * other test files; to the service this is exactly a FLUSHALL.
 */
const REDIS_DB = 11;

describe('Redis loses its data mid-run', () => {
  let cluster: EngineCluster;
  let redis: Redis;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    cluster = await EngineCluster.create({ env: { REDIS_DB: String(REDIS_DB) } });
    redis = new Redis({
      host: cluster.env.REDIS_HOST,
      port: Number(cluster.env.REDIS_PORT),
      db: REDIS_DB,
    });
    await cluster.startScheduler('scheduler');
    await cluster.startWorker('worker');
  });

  afterAll(async () => {
    await cluster?.close();
    await redis?.quit();
    await receiver.stop();
  });

  it('the queue is rebuilt from PostgreSQL and no occurrence is lost', async () => {
    await cluster.createJob({
      name: 'every-second',
      cronExpression: '* * * * * *',
      httpUrl: receiver.url('/tick'),
    });
    await receiver.waitFor((r) => r.length >= 3, 20_000, '3 deliveries before the flush');

    await redis.flushdb();
    const flushedAt = Date.now();
    const [scheduler] = cluster.processes;
    await scheduler!.waitForOutput(/Leading the scheduler with epoch 2/, 20_000);

    await receiver.waitFor(
      (r) => r.some((d) => Date.parse(d.scheduledAt) > flushedAt + 3000),
      30_000,
      'deliveries scheduled 3 s after the flush',
    );
    const deliveries = receiver.forPath('/tick');
    expectEverySecondOnce(deliveries);
    expect(new Set(deliveries.map((d) => d.executionId)).size).toBe(deliveries.length);
  });
});
