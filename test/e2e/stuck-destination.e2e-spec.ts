import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectEverySecondOnce } from '../support/delivery-assertions.js';
import { EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const POOL = 4;
const CAP = 2;

/**
 * One worker with 4 slots and at most 2 concurrent requests per destination. One destination
 * holds every request open (it never answers until released); the other answers at once.
 * The stuck destination gets exactly 2 requests however many of its executions are due, and
 * its other attempts do not take the slots the healthy destination needs.
 */
describe('per-destination concurrency cap: a stuck destination next to a healthy one', () => {
  let cluster: EngineCluster;
  let holding = true;
  const stuck = new WebhookReceiver();
  const healthy = new WebhookReceiver();
  const stuckPaths = ['/s-1', '/s-2', '/s-3'];
  const healthyPaths = ['/h-1', '/h-2'];
  for (const path of stuckPaths) stuck.on(path, () => (holding ? 'hold' : { status: 200 }));

  beforeAll(async () => {
    await Promise.all([stuck.start(), healthy.start()]);
    cluster = await EngineCluster.create({
      env: {
        WORKER_POOL_SIZE: String(POOL),
        WEBHOOK_MAX_CONCURRENCY_PER_DESTINATION: String(CAP),
      },
    });
    await cluster.startScheduler('scheduler');
    await cluster.startWorker('worker');
  });

  afterAll(async () => {
    await cluster?.close();
    await Promise.all([stuck.stop(), healthy.stop()]);
  });

  it('caps the stuck destination, keeps the healthy one on time, and delivers the rest later', async () => {
    const stuckJobs: string[] = [];
    for (const path of stuckPaths) {
      stuckJobs.push(
        await cluster.createJob({
          name: `stuck${path}`,
          cronExpression: '* * * * * *',
          httpUrl: stuck.url(path),
          timeoutSeconds: 60,
        }),
      );
    }
    await stuck.waitFor((requests) => requests.length >= CAP, 15_000, 'the first requests held');
    for (const path of healthyPaths) {
      await cluster.createJob({
        name: `healthy${path}`,
        cronExpression: '* * * * * *',
        httpUrl: healthy.url(path),
      });
    }

    // Five seconds of healthy deliveries while the stuck destination holds its two requests
    // (and three more of its executions come due every second).
    await healthy.waitFor(
      (requests) => requests.length >= 5 * healthyPaths.length,
      30_000,
      'healthy deliveries',
    );
    expect(stuck.requests).toHaveLength(CAP);

    // What could not get a connection went back to the queue: not sent, not an attempt.
    const busy = await cluster.waitForRows<{ id: string; attempts: number; error: string }>(
      `SELECT id, attempts, error FROM executions
       WHERE job_id = ANY($1) AND status = 'RETRYING' AND error LIKE 'delayed: %busy%'`,
      [stuckJobs],
      (rows) => rows.length > 0,
    );
    for (const row of busy) {
      expect(row.attempts).toBe(0);
      expect(row.error).toBe(
        `delayed: http://127.0.0.1:${stuck.port} busy: all ${CAP} of this worker's connections to it in use`,
      );
    }
    expect(stuck.requests).toHaveLength(CAP);
    for (const path of healthyPaths) expectEverySecondOnce(healthy.forPath(path));

    // The destination answers again: the held requests complete, and what was put back is
    // delivered, each as its attempt 1, exactly once.
    holding = false;
    stuck.releaseHeld(200);
    const ids = busy.map((row) => row.id);
    await cluster.waitForRows<{ status: string }>(
      'SELECT status FROM executions WHERE id = ANY($1)',
      [ids],
      (rows) => rows.length === ids.length && rows.every((row) => row.status === 'SUCCEEDED'),
      60_000,
    );
    for (const id of ids) {
      expect(stuck.requests.filter((r) => r.executionId === id).map((r) => r.attempt)).toEqual([1]);
    }
  });
});
