import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EngineCluster } from '../support/engine-cluster.js';
import { OTHER_TEST_ENCRYPTION_KEY, TEST_ENCRYPTION_KEY } from '../support/test-secrets.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * A worker without the key that sealed a job (a key rotation half deployed) must not send a
 * broken request: the attempt fails as never sent, with the reason in history, and the
 * retry policy gives a worker that has the key the next attempt.
 */
describe('a worker that cannot decrypt a job', () => {
  let cluster: EngineCluster;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    cluster = await EngineCluster.create({ env: { SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY } });
    await cluster.startScheduler('api');
  });

  afterAll(async () => {
    await cluster?.close();
    await receiver.stop();
  });

  it('records a not-sent attempt naming the key, and a worker with the key delivers the retry', async () => {
    const secret = 'Bearer mismatch-canary-7f3a';
    const jobId = await cluster.createJob({
      name: 'sealed-with-the-old-key',
      cronExpression: '0 0 0 1 1 *',
      isActive: false,
      httpUrl: receiver.url('/mismatch'),
      httpHeaders: { Authorization: secret },
      // Backoff has full jitter, so the worker without the key may take a retry or two
      // before it is stopped; ten attempts leave plenty for the one with the key.
      retryPolicy: { maxAttempts: 10, initialBackoffMs: 2_000, maxBackoffMs: 2_000 },
    });
    const newKeyOnly = await cluster.startWorker('new-key-only', {
      SECRETS_ENCRYPTION_KEY: OTHER_TEST_ENCRYPTION_KEY,
    });
    const run = await cluster.api('POST', `/api/v1/jobs/${jobId}/trigger`);
    const executionId = run.body.executionId as string;
    const [failed] = await cluster.waitForRows<{ status: string; error: string }>(
      'SELECT status, error FROM executions WHERE id = $1',
      [executionId],
      (rows) => rows[0]?.status === 'RETRYING',
    );
    expect(failed!.error).toMatch(
      /^not sent: the job's secrets cannot be decrypted \(secret sealed with key [0-9a-f]{12}, which neither SECRETS_ENCRYPTION_KEY nor SECRETS_ENCRYPTION_KEY_PREVIOUS is\)/,
    );
    expect(receiver.requests).toHaveLength(0);
    await newKeyOnly.stop('SIGTERM');

    await cluster.startWorker('both-keys', {
      SECRETS_ENCRYPTION_KEY: OTHER_TEST_ENCRYPTION_KEY,
      SECRETS_ENCRYPTION_KEY_PREVIOUS: TEST_ENCRYPTION_KEY,
    });
    await receiver.waitFor((requests) => requests.length === 1, 30_000, 'the retried delivery');
    const [delivered] = receiver.requests;
    expect(delivered!.executionId).toBe(executionId);
    expect(delivered!.attempt).toBeGreaterThanOrEqual(2);
    expect(delivered!.headers['authorization']).toBe(secret);

    await cluster.waitForRows<{ status: string }>(
      'SELECT status FROM executions WHERE id = $1',
      [executionId],
      (rows) => rows[0]?.status === 'SUCCEEDED',
    );
    const detail = await cluster.api('GET', `/api/v1/executions/${executionId}`);
    const history = detail.body.attemptHistory as Array<{ attempt: number; error: string | null }>;
    expect(history.map((attempt) => attempt.attempt)).toEqual(
      Array.from({ length: delivered!.attempt }, (_, i) => i + 1),
    );
    for (const attempt of history.slice(0, -1)) {
      expect(attempt.error).toContain('cannot be decrypted');
    }
    expect(history.at(-1)!.error).toBeNull();
    expect(JSON.stringify(detail.body)).not.toContain('mismatch-canary');
  });
});
