import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKENDS, EngineCluster } from '../support/engine-cluster.js';
import { quoteIdentifier, withAdminClient } from '../support/postgres-admin.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * PostgreSQL goes away for a few seconds: every connection of the service is cut and new
 * ones are refused (the database's ALLOW_CONNECTIONS is switched off), as a restart of the
 * server would do, without disturbing the other test databases on the same server.
 */
const OUTAGE_MS = 3000;

describe.each(BACKENDS)('%s backend: PostgreSQL unavailable mid-run', (backend) => {
  let cluster: EngineCluster;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    cluster = await EngineCluster.create({ backend });
    await cluster.startScheduler('scheduler');
    await cluster.startWorker('worker');
  });

  afterAll(async () => {
    await setConnections(true).catch(() => undefined);
    await cluster?.close();
    await receiver.stop();
  });

  const setConnections = (allowed: boolean) =>
    withAdminClient(async (client) => {
      const name = quoteIdentifier(cluster.env.DB_NAME!);
      await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allowed}`);
      if (!allowed) {
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [cluster.env.DB_NAME],
        );
      }
    });

  it('loses no occurrence: each is delivered, duplicates only as AT_LEAST_ONCE redeliveries', async () => {
    await cluster.createJob({
      name: 'every-second',
      cronExpression: '* * * * * *',
      httpUrl: receiver.url('/tick'),
    });
    await receiver.waitFor((r) => r.length >= 3, 20_000, '3 deliveries before the outage');

    await setConnections(false);
    await sleep(OUTAGE_MS); // the outage itself, not a wait for something to happen
    await setConnections(true);
    const upAt = Date.now();

    await receiver.waitFor(
      (r) => r.some((d) => Date.parse(d.scheduledAt) > upAt + 3000),
      60_000,
      'deliveries scheduled 3 s after recovery',
    );
    const deliveries = receiver.forPath('/tick');
    const byInstant = new Map<number, Set<string>>();
    for (const d of deliveries) {
      const instant = Date.parse(d.scheduledAt);
      byInstant.set(instant, (byInstant.get(instant) ?? new Set()).add(d.executionId));
    }
    const instants = [...byInstant.keys()].sort((a, b) => a - b);
    // No gap: every second from the first to the last fire is there.
    expect(instants).toEqual(
      Array.from(
        { length: (instants.at(-1)! - instants[0]!) / 1000 + 1 },
        (_, i) => instants[0]! + i * 1000,
      ),
    );
    // One execution per occurrence, whatever was redelivered.
    for (const ids of byInstant.values()) expect(ids.size).toBe(1);
    const redelivered = deliveries.length - instants.length;
    console.log(
      `${backend}: PostgreSQL outage: ${instants.length} occurrences, ${redelivered} redelivered`,
    );

    // And history ends up complete.
    const rows = await cluster.waitForRows<{ n: string }>(
      `SELECT count(*) AS n FROM executions
       WHERE scheduled_at BETWEEN $1 AND $2 AND status = 'SUCCEEDED'`,
      [new Date(instants[0]!), new Date(instants.at(-1)!)],
      (found) => Number(found[0]!.n) === instants.length,
      30_000,
    );
    expect(Number(rows[0]!.n)).toBe(instants.length);
  });
});
