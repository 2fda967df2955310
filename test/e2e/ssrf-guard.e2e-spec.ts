import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { CanaryListener } from '../support/canary-listener.js';
import { EngineCluster } from '../support/engine-cluster.js';
import type { NamedProcess } from '../support/engine-cluster.js';

/**
 * The real processes, with the worker WITHOUT the SSRF guard's opt-out, against a canary
 * listener on 127.0.0.1 (and ::1) that counts every connection it accepts. The API process
 * runs with the opt-out (and allows 169.254.169.254/32) only so that it stores these URLs;
 * the worker is the check that counts. Nothing here can reach a non-loopback address: the
 * metadata address is refused before any socket is opened, which is what is asserted.
 */

const CANARY_NAME = 'canary.ssrf.test';
const PRELOAD = fileURLToPath(new URL('../support/dns-override.preload.mjs', import.meta.url));

interface ExecutionRow {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
}

interface AttemptView {
  attempt: number;
  httpStatus: number | null;
  error: string | null;
}

const NOT_ALLOWED = /^destination not allowed: .+ \(request not sent\)$/;

describe('SSRF guard end to end: a worker without the opt-out', () => {
  let canary: CanaryListener;
  let cluster: EngineCluster;
  let api: NamedProcess;
  let worker: NamedProcess;
  /** The worker's environment: the preload maps CANARY_NAME to 127.0.0.1, for it alone. */
  let workerEnv: Record<string, string>;

  /** [what, URL, what the recorded error must say] */
  let destinations: Array<[string, string, RegExp]>;

  beforeAll(async () => {
    canary = await CanaryListener.start();
    const port = canary.port;
    destinations = [
      ['127.0.0.1', `http://127.0.0.1:${port}/`, /127\.0\.0\.1 is a loopback address/],
      ['decimal', `http://2130706433:${port}/`, /127\.0\.0\.1 is a loopback address/],
      ['hex', `http://0x7f000001:${port}/`, /127\.0\.0\.1 is a loopback address/],
      ['octal', `http://0177.0.0.1:${port}/`, /127\.0\.0\.1 is a loopback address/],
      ['short', `http://127.1:${port}/`, /127\.0\.0\.1 is a loopback address/],
      [
        'IPv4-mapped',
        `http://[::ffff:127.0.0.1]:${port}/`,
        /::ffff:7f00:1 is the IPv4-mapped form of 127\.0\.0\.1, a loopback address/,
      ],
      ['::1', `http://[::1]:${port}/`, /::1 is a loopback address/],
      [
        'localhost',
        `http://localhost:${port}/`,
        /localhost resolved to (127\.0\.0\.1|::1), a loopback address/,
      ],
      ['userinfo', `http://example.com@127.0.0.1:${port}/`, /127\.0\.0\.1 is a loopback address/],
      [
        'mapped name',
        `http://${CANARY_NAME}:${port}/`,
        /canary\.ssrf\.test resolved to 127\.0\.0\.1, a loopback address/,
      ],
      [
        'cloud metadata',
        'http://169.254.169.254/latest/meta-data/',
        /169\.254\.169\.254 is a link-local address/,
      ],
    ];

    cluster = await EngineCluster.create();
    api = await cluster.startScheduler('api', {
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_ALLOWED_CIDRS: '169.254.169.254/32',
    });
    workerEnv = {
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
      NODE_OPTIONS: `--import ${PRELOAD}`,
      JOBSCHED_TEST_DNS_OVERRIDES: JSON.stringify({ [CANARY_NAME]: ['127.0.0.1'] }),
    };
    worker = await cluster.startWorker('guarded-worker', workerEnv);
  });

  afterAll(async () => {
    await cluster?.close();
    await canary?.close();
  });

  async function trigger(
    name: string,
    httpUrl: string,
    executionType: 'AT_LEAST_ONCE' | 'AT_MOST_ONCE',
  ): Promise<string> {
    const jobId = await cluster.createJob({
      name: `${name} ${executionType}`,
      cronExpression: '0 0 0 1 1 *',
      httpUrl,
      executionType,
      retryPolicy: { maxAttempts: 2, initialBackoffMs: 100, maxBackoffMs: 200 },
    });
    const triggered = await cluster.api('POST', `/api/v1/jobs/${jobId}/trigger`);
    expect(triggered.status).toBe(202);
    return triggered.body.executionId as string;
  }

  function settled(ids: readonly string[]): Promise<ExecutionRow[]> {
    return cluster.waitForRows<ExecutionRow>(
      'SELECT id, status, attempts, error FROM executions WHERE id = ANY($1::uuid[])',
      [ids],
      (rows) =>
        rows.length === ids.length &&
        rows.every((row) => row.status === 'FAILED' || row.status === 'SUCCEEDED'),
    );
  }

  async function attemptHistory(id: string): Promise<AttemptView[]> {
    const detail = await cluster.api('GET', `/api/v1/executions/${id}`);
    expect(detail.status).toBe(200);
    return detail.body.attemptHistory as AttemptView[];
  }

  it('logs the opt-out warning in the process that has it, and only there', () => {
    expect(api.output()).toMatch(/WEBHOOK_ALLOW_PRIVATE_NETWORKS=true: webhooks may reach/);
    expect(worker.output()).not.toMatch(/WEBHOOK_ALLOW_PRIVATE_NETWORKS=true/);
  });

  it('refuses every encoding, the mapped name and the metadata address: zero connections', async () => {
    const amo = new Map<string, string>();
    const alo = new Map<string, string>();
    for (const [name, url] of destinations) {
      amo.set(name, await trigger(name, url, 'AT_MOST_ONCE'));
      alo.set(name, await trigger(name, url, 'AT_LEAST_ONCE'));
    }
    const rows = new Map(
      (await settled([...amo.values(), ...alo.values()])).map((row) => [row.id, row]),
    );
    const deadLetters = await cluster.api('GET', '/api/v1/dlq?limit=500');
    const deadLetterIds = new Set(
      (deadLetters.body.items as Array<{ id: string }>).map((item) => item.id),
    );

    for (const [name, , message] of destinations) {
      // AT_MOST_ONCE: FAILED at once, although nothing was sent.
      const amoId = amo.get(name) ?? '';
      expect([name, rows.get(amoId)]).toEqual([
        name,
        expect.objectContaining({ status: 'FAILED', attempts: 1 }),
      ]);
      expect(rows.get(amoId)?.error).toMatch(NOT_ALLOWED);
      expect(rows.get(amoId)?.error).toMatch(message);

      // AT_LEAST_ONCE: retried per its policy (2 attempts), then dead-lettered.
      const aloId = alo.get(name) ?? '';
      expect([name, rows.get(aloId)]).toEqual([
        name,
        expect.objectContaining({ status: 'FAILED', attempts: 2 }),
      ]);
      const history = await attemptHistory(aloId);
      expect(history.map((attempt) => attempt.attempt)).toEqual([1, 2]);
      for (const attempt of history) {
        expect(attempt.httpStatus).toBeNull();
        expect(attempt.error).toMatch(NOT_ALLOWED);
        expect(attempt.error).toMatch(message);
      }
      expect([name, deadLetterIds.has(aloId)]).toEqual([name, true]);
    }

    expect(canary.connections).toBe(0);
  });

  it('control: the same listener and name are reached by a worker with the opt-out', async () => {
    // Shows that the zero above is the guard's doing: the URL, the preload's mapping and the
    // listener all work once the opt-out is on.
    await worker.stop('SIGTERM');
    const openWorker = await cluster.startWorker('open-worker', {
      ...workerEnv,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    });
    expect(openWorker.output()).toMatch(/WEBHOOK_ALLOW_PRIVATE_NETWORKS=true: webhooks may reach/);
    const viaName = await trigger('control name', canary.url(CANARY_NAME), 'AT_MOST_ONCE');
    const viaDecimal = await trigger('control decimal', canary.url('2130706433'), 'AT_MOST_ONCE');
    const rows = await settled([viaName, viaDecimal]);
    expect(rows.map((row) => row.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(canary.connections).toBeGreaterThan(0);
  });
});
