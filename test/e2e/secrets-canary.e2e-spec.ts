import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { EngineCluster } from '../support/engine-cluster.js';
import type { NamedProcess } from '../support/engine-cluster.js';
import { plainTextDump } from '../support/pg-dump.js';
import type { TestResponse } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/** Letters and digits only, so that no encoding (URL, JSON, SQL) changes how it is written. */
function canary(label: string): string {
  return `canary${label}${randomBytes(8).toString('hex')}`;
}

/**
 * Secrets put in a job (an `Authorization` header, another credential header, a query value,
 * URL userinfo) reach the receiver, and appear nowhere else: not in a plain-text `pg_dump`,
 * not in any log line of any process (at LOG_LEVEL=verbose, with a failing INSERT among the
 * requests), not in any API response, not in `/metrics`, not in execution history.
 */
describe('canary secrets: the receiver gets them, nothing else ever shows them', () => {
  const secrets = {
    authorization: canary('auth'),
    webhookKey: canary('whkey'),
    query: canary('query'),
    user: canary('user'),
    password: canary('pass'),
    failedInsert: canary('failedinsert'),
  };
  const basic = Buffer.from(`${secrets.user}:${secrets.password}`).toString('base64');
  const receiver = new WebhookReceiver();
  let cluster: EngineCluster;
  let api: NamedProcess;
  let worker: NamedProcess;
  const responses: Array<{ what: string; response: TestResponse }> = [];

  async function call(what: string, method: string, path: string, body?: unknown) {
    const response = await cluster.api(method, path, body);
    responses.push({ what, response });
    return response;
  }

  beforeAll(async () => {
    await receiver.start();
    receiver.on('/b', () => ({ status: 500 }));
    cluster = await EngineCluster.create({ env: { LOG_LEVEL: 'verbose' } });
    api = await cluster.startScheduler('api');
    worker = await cluster.startWorker('worker');
  });

  afterAll(async () => {
    await cluster?.close();
    await receiver.stop();
  });

  it('delivers every secret, and every other way out of the system is clean', async () => {
    const quiet = { cronExpression: '0 0 0 1 1 *', isActive: false };
    const a = await call('create a', 'POST', '/api/v1/jobs', {
      ...quiet,
      name: 'canary-headers-and-query',
      httpUrl: `${receiver.url('/a')}?key=${secrets.query}&team=t`,
      httpHeaders: {
        Authorization: `Bearer ${secrets.authorization}`,
        'X-Webhook-Key': secrets.webhookKey,
      },
      httpBody: { hello: 'world' },
    });
    const b = await call('create b', 'POST', '/api/v1/jobs', {
      ...quiet,
      name: 'canary-userinfo',
      httpUrl: `http://${secrets.user}:${secrets.password}@127.0.0.1:${receiver.port}/b`,
      retryPolicy: { maxAttempts: 2, initialBackoffMs: 100, maxBackoffMs: 100 },
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    const ids = { a: a.body.id as string, b: b.body.id as string };

    // Edit both by sending back what GET returned: the stored secrets must be kept.
    for (const id of Object.values(ids)) {
      const read = await call(`get ${id}`, 'GET', `/api/v1/jobs/${id}`);
      const patched = await call(`patch ${id}`, 'PATCH', `/api/v1/jobs/${id}`, {
        httpUrl: read.body.httpUrl,
        httpHeaders: read.body.httpHeaders,
        description: 'patched with what GET returned',
      });
      expect(patched.status).toBe(200);
    }
    await call('list', 'GET', '/api/v1/jobs?limit=200&includeDeleted=true');

    const runA = await call('trigger a', 'POST', `/api/v1/jobs/${ids.a}/trigger`);
    const runB = await call('trigger b', 'POST', `/api/v1/jobs/${ids.b}/trigger`);
    await receiver.waitFor(
      () => receiver.forPath('/a').length === 1 && receiver.forPath('/b').length === 2,
      30_000,
      'one delivery to /a and two attempts at /b',
    );
    await cluster.waitForRows<{ status: string }>(
      'SELECT status FROM executions WHERE id = ANY($1) ORDER BY status DESC',
      [[runA.body.executionId, runB.body.executionId]],
      (rows) => rows.map((row) => row.status).join() === 'SUCCEEDED,FAILED',
    );

    // The receiver got the real values.
    const [toA] = receiver.forPath('/a');
    expect(toA!.headers['authorization']).toBe(`Bearer ${secrets.authorization}`);
    expect(toA!.headers['x-webhook-key']).toBe(secrets.webhookKey);
    expect(toA!.url).toBe(`/a?key=${secrets.query}&team=t`);
    for (const toB of receiver.forPath('/b')) {
      expect(toB.headers['authorization']).toBe(`Basic ${basic}`);
      expect(toB.url).toBe('/b');
    }

    // A failing INSERT: this test's own database refuses one job name, so PostgreSQL rejects
    // the statement that carries the job's secrets (and body) as parameters.
    await cluster.db.query(
      `ALTER TABLE jobs ADD CONSTRAINT canary_insert_fails CHECK (name <> 'canary-insert-fails')`,
    );
    const failed = await call('failing create', 'POST', '/api/v1/jobs', {
      ...quiet,
      name: 'canary-insert-fails',
      httpUrl: `${receiver.url('/never')}?key=${secrets.failedInsert}`,
      httpHeaders: { Authorization: `Bearer ${secrets.failedInsert}` },
      httpBody: { secret: secrets.failedInsert },
    });
    expect(failed.status).toBe(500);
    await api.waitForOutput(/violates check constraint "canary_insert_fails"/);

    for (const id of Object.values(ids)) {
      await call(`history ${id}`, 'GET', `/api/v1/jobs/${id}/history?limit=500`);
    }
    for (const run of [runA, runB]) {
      const detail = await call(
        'execution detail',
        'GET',
        `/api/v1/executions/${run.body.executionId}`,
      );
      expect(detail.body.attemptHistory.length).toBeGreaterThan(0);
    }
    const dlq = await call('dead letters', 'GET', '/api/v1/dlq');
    expect(dlq.body.items.map((item: { id: string }) => item.id)).toContain(runB.body.executionId);
    const metrics = await call('metrics', 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    await call('queue stats', 'GET', '/queue/stats');

    const dump = await plainTextDump(cluster.env.DB_NAME!);
    expect(dump).toContain('canary-userinfo'); // the dump is of the right database
    // Every line every process wrote, stdout and stderr (the worker's included).
    const logs = cluster.processes.map((process) => process.output()).join('\n');
    expect(worker.output()).toContain('Worker ready');

    const forms = [...Object.values(secrets), basic];
    for (const secret of forms) {
      for (const { what, response } of responses) {
        expect({ what, body: JSON.stringify(response.body) }).not.toEqual(
          expect.objectContaining({ body: expect.stringContaining(secret) }),
        );
        expect([...response.headers.values()].join(' ')).not.toContain(secret);
      }
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
