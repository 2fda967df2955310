import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

describe.each(BACKENDS)('%s backend: SIGTERM to a worker', (backend) => {
  let cluster: EngineCluster;
  const receiver = new WebhookReceiver().on('/stuck', (_request, nth) =>
    nth === 0 ? 'hold' : { status: 200 },
  );

  beforeAll(async () => {
    await receiver.start();
    // Grace 2 s: the receiver holds /stuck open for longer than that.
    cluster = await EngineCluster.create({ backend, env: { WORKER_SHUTDOWN_GRACE_MS: '2000' } });
    await cluster.startScheduler('scheduler');
  });

  afterAll(async () => {
    await cluster?.close();
    await receiver.stop();
  });

  it('stops claiming, finishes what it can within the grace period and releases the rest', async () => {
    const worker = await cluster.startWorker('worker-a');
    const jobId = await cluster.createJob({
      name: 'stuck',
      cronExpression: '0 0 0 1 1 *',
      httpUrl: receiver.url('/stuck'),
      timeoutSeconds: 60,
    });
    const executionId = (await cluster.api('POST', `/api/v1/jobs/${jobId}/trigger`)).body
      .executionId as string;
    await receiver.waitFor(
      () => receiver.forPath('/stuck').length === 1,
      15_000,
      'the stuck request',
    );

    const stopped = worker.stop('SIGTERM');
    const { code } = await stopped;
    expect(code).toBe(0);
    expect(worker.output()).toMatch(/Aborting 1 request\(s\) still running after 2000 ms/);
    expect(worker.output()).toMatch(/Shutdown complete/);

    // Released, not lost: the next worker delivers it again, same execution id.
    await cluster.startWorker('worker-b');
    await receiver.waitFor(() => receiver.forPath('/stuck').length === 2, 15_000, 'the redelivery');
    expect(receiver.forPath('/stuck').map((r) => r.executionId)).toEqual([
      executionId,
      executionId,
    ]);
    const [row] = await cluster.waitForRows<{ status: string }>(
      'SELECT status FROM executions WHERE id = $1',
      [executionId],
      (rows) => rows[0]?.status === 'SUCCEEDED',
    );
    expect(row!.status).toBe('SUCCEEDED');
  });
});
