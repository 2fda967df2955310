import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import type { ReceivedRequest } from '../support/webhook-receiver.js';

/** How a receiver checks a request: the reference verifier, the raw body, the headers. */
function verifies(secret: string, request: ReceivedRequest): boolean {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return false;
    throw error;
  }
}

describe('signed requests (Standard Webhooks), real processes', () => {
  let cluster: EngineCluster;
  const receiver = new WebhookReceiver();
  const quiet = { cronExpression: '0 0 0 1 1 *', isActive: false };

  beforeAll(async () => {
    await receiver.start();
    cluster = await EngineCluster.create();
    await cluster.startScheduler('api');
    await cluster.startWorker('worker');
  });

  afterAll(async () => {
    await cluster?.close();
    await receiver.stop();
  });

  async function createJob(path: string, extra: Record<string, unknown> = {}) {
    const created = await cluster.api('POST', '/api/v1/jobs', {
      ...quiet,
      name: `signed${path}`,
      httpUrl: receiver.url(path),
      ...extra,
    });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, secret: created.body.signingSecret as string };
  }

  async function trigger(jobId: string, path: string): Promise<ReceivedRequest> {
    const before = receiver.forPath(path).length;
    const run = await cluster.api('POST', `/api/v1/jobs/${jobId}/trigger`);
    expect(run.status).toBe(202);
    await receiver.waitFor(
      () => receiver.forPath(path).length > before,
      30_000,
      `a request to ${path}`,
    );
    return receiver.forPath(path)[before]!;
  }

  async function rotate(jobId: string, graceSeconds: number): Promise<string> {
    const rotated = await cluster.api('POST', `/api/v1/jobs/${jobId}/signing-secret/rotate`, {
      graceSeconds,
    });
    expect(rotated.status).toBe(200);
    return rotated.body.signingSecret as string;
  }

  it('signs every attempt: the same webhook-id, a fresh timestamp, the exact body', async () => {
    // 503 with Retry-After: 2 twice, so the three attempts are at least 2 s apart.
    receiver.on('/retried', (_, nth) =>
      nth < 2 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 },
    );
    const job = await createJob('/retried', {
      httpBody: { report: 'daily', note: 'żółć €' },
      retryPolicy: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 100 },
    });
    await cluster.api('POST', `/api/v1/jobs/${job.id}/trigger`);
    await receiver.waitFor(() => receiver.forPath('/retried').length === 3, 30_000, '3 attempts');

    const attempts = receiver.forPath('/retried');
    expect(attempts.map((request) => request.attempt)).toEqual([1, 2, 3]);
    const timestamps = attempts.map((request) => Number(request.headers['webhook-timestamp']));
    for (const [index, request] of attempts.entries()) {
      expect(verifies(job.secret, request)).toBe(true);
      expect(request.headers['webhook-id']).toBe(request.executionId);
      expect(request.headers['webhook-id']).toBe(attempts[0]!.executionId);
      expect(JSON.parse(request.body)).toEqual({ report: 'daily', note: 'żółć €' });
      // The attempt's send time: at most a second before it arrived, never after.
      const receivedSeconds = Math.floor(request.receivedAt / 1000);
      expect(timestamps[index]).toBeLessThanOrEqual(receivedSeconds);
      expect(timestamps[index]).toBeGreaterThanOrEqual(receivedSeconds - 1);
    }
    expect(timestamps[1]).toBeGreaterThan(timestamps[0]!);
    expect(timestamps[2]).toBeGreaterThan(timestamps[1]!);

    // A receiver rejects a changed body, id or timestamp.
    const [first] = attempts;
    const tampered: ReceivedRequest[] = [
      { ...first!, body: first!.body.replace('daily', 'weekly') },
      { ...first!, headers: { ...first!.headers, 'webhook-id': attempts[0]!.jobId } },
      {
        ...first!,
        headers: { ...first!.headers, 'webhook-timestamp': String(timestamps[0]! + 1) },
      },
    ];
    for (const request of tampered) expect(verifies(job.secret, request)).toBe(false);
  });

  it('signs a request without a body over the empty string', async () => {
    const job = await createJob('/empty', { httpMethod: 'GET' });
    const request = await trigger(job.id, '/empty');
    expect(request.body).toBe('');
    expect(verifies(job.secret, request)).toBe(true);
  });

  it('signs with the old and the new secret during the grace, with the new one after it', async () => {
    const job = await createJob('/rotated');
    const second = await rotate(job.id, 3600);

    const during = await trigger(job.id, '/rotated');
    const signatures = String(during.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    // The new secret's signature first.
    const timestamp = new Date(Number(during.headers['webhook-timestamp']) * 1000);
    expect(signatures[0]).toBe(
      new Webhook(second).sign(during.executionId, timestamp, during.body),
    );
    expect(verifies(job.secret, during)).toBe(true);
    expect(verifies(second, during)).toBe(true);

    // A 1 s grace, then wait until the database's clock says it is over.
    const third = await rotate(job.id, 1);
    await cluster.waitForRows<{ over: boolean }>(
      `SELECT previous_signing_secret_expires_at < clock_timestamp() AS over FROM jobs WHERE id = $1`,
      [job.id],
      (rows) => rows[0]?.over === true,
    );
    const after = await trigger(job.id, '/rotated');
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(third, after)).toBe(true);
    expect(verifies(second, after)).toBe(false);
    expect(verifies(job.secret, after)).toBe(false);

    // graceSeconds 0: the replaced secret stops signing at once.
    const fourth = await rotate(job.id, 0);
    const immediately = await trigger(job.id, '/rotated');
    expect(verifies(fourth, immediately)).toBe(true);
    expect(verifies(third, immediately)).toBe(false);
  });
});
