import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EngineCluster } from '../support/engine-cluster.js';
import { freePort, startServiceProcess } from '../support/service-process.js';
import type { ServiceProcess } from '../support/service-process.js';
import { jsonRequest } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * `npm run start:local` as a newcomer runs it, stopped as a terminal stops it: Ctrl-C sends
 * SIGINT to every process of the terminal's foreground process group. The launcher is started
 * as the leader of a group of its own and the test signals that whole group, so whatever the
 * launcher leaves in its group gets the SIGINT too, exactly as under a terminal.
 */
describe('node scripts/start-local.mjs, stopped with one Ctrl-C', () => {
  const receiver = new WebhookReceiver().on('/slow', () => 'hold');
  let cluster: EngineCluster;
  let launcher: ServiceProcess;
  let baseUrl: string;

  beforeAll(async () => {
    await receiver.start();
    // The service's default grace (30 s), not the cluster's 2 s: the request is released
    // only after the worker says it is waiting for it, and must not be aborted before.
    cluster = await EngineCluster.create({ env: { WORKER_SHUTDOWN_GRACE_MS: '30000' } });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    launcher = startServiceProcess(
      'scripts/start-local.mjs',
      { ...cluster.env, SERVER_PORT: String(port) },
      { detached: true },
    );
    await launcher.waitForOutput(/Listening on http/);
    await launcher.waitForOutput(/Worker ready/);
  });

  afterAll(async () => {
    // Whatever is still running after a failure: the launcher's group and the services,
    // whose pids the launcher prints when it starts them.
    for (const [, pid] of (launcher?.output() ?? '').matchAll(/\(pid (\d+)\)/g))
      killQuietly(Number(pid));
    if (launcher?.child.pid !== undefined) killQuietly(-launcher.child.pid);
    await launcher?.exited;
    await cluster?.close();
    await receiver.stop();
  });

  it('drains the in-flight webhook, records it once and exits 0', async () => {
    const created = await jsonRequest(baseUrl, 'POST', '/api/v1/jobs', {
      name: 'slow',
      cronExpression: '0 0 0 1 1 *',
      httpUrl: receiver.url('/slow'),
      executionType: 'AT_MOST_ONCE',
      timeoutSeconds: 60,
    });
    expect(created.status).toBe(201);
    const triggered = await jsonRequest(baseUrl, 'POST', `/api/v1/jobs/${created.body.id}/trigger`);
    expect(triggered.status).toBe(202);
    const executionId = triggered.body.executionId as string;
    await receiver.waitFor(() => receiver.forPath('/slow').length === 1, 15_000, 'the request');

    process.kill(-launcher.child.pid!, 'SIGINT');
    // The worker has stopped claiming and waits for the request it holds: now answer it.
    await launcher.waitForOutput(/Stopping: waiting up to 30000 ms for 1 request\(s\)/);
    receiver.releaseHeld(200);

    expect(await launcher.exited).toEqual({ code: 0, signal: null });
    const output = launcher.output();
    expect(output.match(/Shutdown complete/g)).toHaveLength(2);
    expect(output).not.toMatch(/again while shutting down/);
    const { rows } = await cluster.db.query<{ status: string; attempts: number; sent: number }>(
      `SELECT e.status, e.attempts,
              (SELECT count(*)::int FROM execution_attempts a WHERE a.execution_id = e.id) AS sent
         FROM executions e WHERE e.id = $1`,
      [executionId],
    );
    expect(rows).toEqual([{ status: 'SUCCEEDED', attempts: 1, sent: 1 }]);
    expect(receiver.forPath('/slow')).toHaveLength(1);
  });
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone: nothing to clean up.
  }
}
