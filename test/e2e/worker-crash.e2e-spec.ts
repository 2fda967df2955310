import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

describe.each(BACKENDS)(
  '%s backend: kill -9 a worker while the receiver holds its requests open',
  (backend) => {
    let cluster: EngineCluster;
    const receiver = new WebhookReceiver()
      .on('/alo', (_request, nth) => (nth === 0 ? 'hold' : { status: 200 }))
      .on('/amo', () => 'hold');

    beforeAll(async () => {
      await receiver.start();
      cluster = await EngineCluster.create({ backend });
      await cluster.startScheduler('scheduler');
    });

    afterAll(async () => {
      await cluster?.close();
      await receiver.stop();
    });

    it('AT_LEAST_ONCE is delivered again with the same X-Execution-Id; AT_MOST_ONCE is not', async () => {
      const doomed = await cluster.startWorker('worker-a');
      const triggerOf = async (path: string, executionType: string) => {
        const jobId = await cluster.createJob({
          name: path,
          cronExpression: '0 0 0 1 1 *',
          httpUrl: receiver.url(path),
          executionType,
          timeoutSeconds: 60,
        });
        return (await cluster.api('POST', `/api/v1/jobs/${jobId}/trigger`)).body
          .executionId as string;
      };
      const alo = await triggerOf('/alo', 'AT_LEAST_ONCE');
      const amo = await triggerOf('/amo', 'AT_MOST_ONCE');
      await receiver.waitFor((r) => r.length === 2, 15_000, 'both requests in flight');

      doomed.child.kill('SIGKILL');
      await doomed.exited;
      await cluster.startWorker('worker-b');

      const rows = await cluster.waitForRows<{
        id: string;
        status: string;
        attempts: number;
        error: string | null;
      }>(
        'SELECT id, status, attempts, error FROM executions WHERE id = ANY($1) ORDER BY id',
        [[alo, amo]],
        (found) => found.every((row) => row.status === 'SUCCEEDED' || row.status === 'FAILED'),
        30_000,
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      expect(byId.get(alo)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
      expect(byId.get(amo)).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(byId.get(amo)!.error).toMatch(/AT_MOST_ONCE/);

      expect(receiver.forPath('/alo').map((r) => [r.executionId, r.attempt])).toEqual([
        [alo, 1],
        [alo, 2],
      ]);
      expect(receiver.forPath('/amo').map((r) => r.executionId)).toEqual([amo]);
      const detail = await cluster.api('GET', `/api/v1/executions/${alo}`);
      expect(detail.body.attemptHistory[0].error).toMatch(/worker lost/);
    });
  },
);
