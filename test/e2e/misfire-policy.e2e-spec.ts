import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKENDS, EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/** How long no scheduler runs: well past the misfire threshold and the hand-off window. */
const OUTAGE_MS = 9000;

interface Row {
  scheduled_at: Date;
  status: string;
  trigger: string;
}

describe.each(BACKENDS)(
  '%s backend: misfire policies after all schedulers stopped for a while',
  (backend) => {
    let cluster: EngineCluster;
    const receiver = new WebhookReceiver();

    beforeAll(async () => {
      await receiver.start();
      cluster = await EngineCluster.create({
        backend,
        env: {
          SCHEDULER_LOOKAHEAD_MS: '2000',
          SCHEDULER_HANDOFF_AHEAD_MS: '1000',
          SCHEDULER_MISFIRE_THRESHOLD_MS: '2000',
        },
      });
      await cluster.startWorker('worker');
    });

    afterAll(async () => {
      await cluster?.close();
      await receiver.stop();
    });

    it('SKIP records the missed fires, FIRE_ONCE fires one catch-up, FIRE_ALL fires those in its window', async () => {
      const first = await cluster.startScheduler('scheduler-1');
      const jobs = {
        skip: await cluster.createJob({
          name: 'skip',
          cronExpression: '* * * * * *',
          httpUrl: receiver.url('/skip'),
          misfirePolicy: 'SKIP',
        }),
        once: await cluster.createJob({
          name: 'once',
          cronExpression: '* * * * * *',
          httpUrl: receiver.url('/once'),
          misfirePolicy: 'FIRE_ONCE',
        }),
        all: await cluster.createJob({
          name: 'all',
          cronExpression: '* * * * * *',
          httpUrl: receiver.url('/all'),
          misfirePolicy: 'FIRE_ALL',
          misfireWindowSeconds: 3,
        }),
      };
      await receiver.waitFor(
        () => ['/skip', '/once', '/all'].every((p) => receiver.forPath(p).length >= 2),
        20_000,
        'two fires per job',
      );

      await first.stop('SIGTERM');
      await sleep(OUTAGE_MS);
      const restartedAt = Date.now();
      await cluster.startScheduler('scheduler-2');
      await receiver.waitFor(
        () =>
          ['/skip', '/once', '/all'].every((p) =>
            receiver.forPath(p).some((d) => Date.parse(d.scheduledAt) >= restartedAt + 2000),
          ),
        20_000,
        'fires after the restart',
      );

      const rowsOf = async (jobId: string) =>
        (
          await cluster.db.query<Row>(
            `SELECT scheduled_at, status, trigger FROM executions
           WHERE job_id = $1 AND scheduled_at <= $2 ORDER BY scheduled_at`,
            [jobId, new Date(restartedAt + 2000)],
          )
        ).rows;

      for (const [policy, jobId] of Object.entries(jobs)) {
        const rows = await rowsOf(jobId);
        // Nothing missed silently: every second of the span has a row, none twice.
        const seconds = rows.map((r) => r.scheduled_at.getTime());
        expect({
          policy,
          contiguous: seconds.every((t, i) => i === 0 || t - seconds[i - 1]! === 1000),
        }).toEqual({ policy, contiguous: true });
        const skipped = rows.filter((r) => r.status === 'SKIPPED');
        const catchUps = rows.filter((r) => r.trigger === 'CATCH_UP');
        expect(catchUps.every((r) => r.status !== 'SKIPPED')).toBe(true);
        switch (policy) {
          case 'skip':
            expect(skipped.length).toBeGreaterThanOrEqual(4);
            expect(catchUps).toHaveLength(0);
            break;
          case 'once':
            expect(skipped.length).toBeGreaterThanOrEqual(3);
            expect(catchUps).toHaveLength(1);
            // The catch-up is the latest missed occurrence.
            expect(catchUps[0]!.scheduled_at.getTime()).toBeGreaterThan(
              Math.max(...skipped.map((r) => r.scheduled_at.getTime())),
            );
            break;
          case 'all':
            expect(catchUps.length).toBeGreaterThanOrEqual(1);
            expect(catchUps.length).toBeLessThanOrEqual(4);
            expect(skipped.length).toBeGreaterThanOrEqual(2);
            break;
        }
        // Every delivered execution of the span is one that was not skipped, and vice versa.
        const delivered = new Set(
          receiver.forPath(`/${policy}`).map((d) => Date.parse(d.scheduledAt)),
        );
        for (const row of rows) {
          expect({
            policy,
            at: row.scheduled_at.toISOString(),
            delivered: delivered.has(row.scheduled_at.getTime()),
          }).toEqual({
            policy,
            at: row.scheduled_at.toISOString(),
            delivered: row.status !== 'SKIPPED',
          });
        }
      }
      const metrics = await cluster.api('GET', '/metrics');
      expect(metrics.body).toMatch(/jobsched_executions_skipped_total\{role="api"\} [1-9]/);
    });
  },
);
