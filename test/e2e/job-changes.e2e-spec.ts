import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * A changed, paused or deleted job stops producing stale occurrences. A second job firing
 * every second is the clock: "three more of its fires" means three seconds went by.
 */
describe.each(BACKENDS)('%s backend: changing, pausing and deleting a running job', (backend) => {
  let cluster: EngineCluster;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    cluster = await EngineCluster.create({ backend });
    await cluster.startScheduler('scheduler');
    await cluster.startWorker('worker');
  });

  afterAll(async () => {
    await cluster?.close();
    await receiver.stop();
  });

  const scheduledOf = (path: string) =>
    receiver.forPath(path).map((d) => Date.parse(d.scheduledAt));
  const afterTicks = async (n: number) => {
    const seen = receiver.forPath('/clock').length;
    await receiver.waitFor(
      () => receiver.forPath('/clock').length >= seen + n,
      20_000,
      `${n} ticks`,
    );
  };

  it('takes effect from the next fire', async () => {
    await cluster.createJob({
      name: 'clock',
      cronExpression: '* * * * * *',
      httpUrl: receiver.url('/clock'),
    });
    const id = await cluster.createJob({
      name: 'subject',
      cronExpression: '* * * * * *',
      httpUrl: receiver.url('/subject'),
    });
    await receiver.waitFor(() => receiver.forPath('/subject').length >= 2, 20_000, 'subject fires');

    // Every second -> every third second.
    const changedAt = Date.now();
    expect(
      (await cluster.api('PATCH', `/api/v1/jobs/${id}`, { cronExpression: '*/3 * * * * *' }))
        .status,
    ).toBe(200);
    await receiver.waitFor(
      () => scheduledOf('/subject').filter((t) => t > changedAt + 1000).length >= 2,
      20_000,
      'fires on the new schedule',
    );
    for (const t of scheduledOf('/subject').filter((t) => t > changedAt + 1000)) {
      expect(new Date(t).getUTCSeconds() % 3).toBe(0);
    }

    // Paused: nothing after the next second.
    const pausedAt = Date.now();
    expect((await cluster.api('PATCH', `/api/v1/jobs/${id}`, { isActive: false })).status).toBe(
      200,
    );
    await afterTicks(4);
    expect(scheduledOf('/subject').filter((t) => t > pausedAt + 1000)).toEqual([]);

    // Reactivated: fires again, and the paused time is not a misfire (no catch-up).
    const resumedAt = Date.now();
    expect((await cluster.api('PATCH', `/api/v1/jobs/${id}`, { isActive: true })).status).toBe(200);
    await receiver.waitFor(
      () => scheduledOf('/subject').some((t) => t > resumedAt),
      20_000,
      'a fire after reactivation',
    );
    expect(scheduledOf('/subject').filter((t) => t > pausedAt + 1000 && t <= resumedAt)).toEqual(
      [],
    );
    const catchUps = await cluster.db.query(
      "SELECT 1 FROM executions WHERE job_id = $1 AND trigger = 'CATCH_UP'",
      [id],
    );
    expect(catchUps.rowCount).toBe(0);

    // Deleted: stops, and no pending execution is left behind.
    const deletedAt = Date.now();
    expect((await cluster.api('DELETE', `/api/v1/jobs/${id}`)).status).toBe(204);
    await afterTicks(4);
    expect(scheduledOf('/subject').filter((t) => t > deletedAt + 1000)).toEqual([]);
    const pending = await cluster.db.query(
      "SELECT 1 FROM executions WHERE job_id = $1 AND status IN ('SCHEDULED', 'QUEUED')",
      [id],
    );
    expect(pending.rowCount).toBe(0);
  });
});
