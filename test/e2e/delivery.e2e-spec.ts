import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, EngineCluster } from '../support/engine-cluster.js';
import { percentile, WebhookReceiver } from '../support/webhook-receiver.js';
import { expectEverySecondOnce } from '../support/delivery-assertions.js';

describe.each(BACKENDS)(
  '%s backend: 2 schedulers and 2 workers, jobs firing every second',
  (backend) => {
    let cluster: EngineCluster;
    const receiver = new WebhookReceiver();

    beforeAll(async () => {
      await receiver.start();
      cluster = await EngineCluster.create({ backend });
      await Promise.all([
        cluster.startScheduler('scheduler-a'),
        cluster.startScheduler('scheduler-b'),
      ]);
      await Promise.all([cluster.startWorker('worker-a'), cluster.startWorker('worker-b')]);
    });

    afterAll(async () => {
      await cluster?.close();
      await receiver.stop();
    });

    it('delivers each occurrence once, on time, with the contract headers', async () => {
      const paths = ['/a', '/b', '/c'];
      const jobIds = new Map<string, string>();
      for (const path of paths) {
        jobIds.set(
          path,
          await cluster.createJob({
            name: `every-second${path}`,
            cronExpression: '* * * * * *',
            httpUrl: receiver.url(path),
            httpHeaders: { 'X-Team': 'e2e' },
            httpBody: { path },
          }),
        );
      }
      await receiver.waitFor(
        () => paths.every((path) => receiver.forPath(path).length >= 6),
        30_000,
        '6 deliveries per job',
      );
      for (const path of paths) {
        const deliveries = receiver.forPath(path);
        expectEverySecondOnce(deliveries);
        expect(new Set(deliveries.map((d) => d.executionId)).size).toBe(deliveries.length);
        for (const delivery of deliveries) {
          expect(delivery).toMatchObject({ method: 'POST', jobId: jobIds.get(path), attempt: 1 });
          expect(delivery.scheduledAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
          expect(delivery.headers['user-agent']).toMatch(/^job-scheduler\/\d+\.\d+\.\d+$/);
          expect(delivery.headers['x-team']).toBe('e2e');
          expect(delivery.headers['content-type']).toBe('application/json');
          expect(JSON.parse(delivery.body)).toEqual({ path });
        }
      }
      // Lateness: receiver time minus the scheduled instant (same host clock here).
      const lateness = receiver.requests.map((r) => r.receivedAt - Date.parse(r.scheduledAt));
      console.log(
        `${backend}: lateness over ${lateness.length} fires: p50 ${percentile(lateness, 50)} ms, ` +
          `p99 ${percentile(lateness, 99)} ms, max ${Math.max(...lateness)} ms`,
      );

      // Exactly one scheduler leads.
      const leaders = cluster.processes.filter((p) => /Leading the scheduler/.test(p.output()));
      expect(leaders).toHaveLength(1);

      // History records the deliveries.
      const jobId = jobIds.get('/a')!;
      const delivered = receiver.forPath('/a').map((d) => d.executionId);
      const rows = await cluster.waitForRows<{ id: string; status: string; attempts: number }>(
        'SELECT id, status, attempts FROM executions WHERE id = ANY($1)',
        [delivered],
        (found) =>
          found.length === delivered.length && found.every((r) => r.status === 'SUCCEEDED'),
      );
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
      const history = await cluster.api(
        'GET',
        `/api/v1/jobs/${jobId}/history?status=SUCCEEDED&limit=500`,
      );
      expect(history.body.items.length).toBeGreaterThanOrEqual(delivered.length);
      expect(history.body.items[0]).toMatchObject({
        status: 'SUCCEEDED',
        httpStatus: 200,
        attempts: 1,
      });
    });
  },
);
