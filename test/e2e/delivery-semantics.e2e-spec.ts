import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

interface ExecutionRow {
  status: string;
  attempts: number;
  http_status: number | null;
  error: string | null;
}

describe.each(BACKENDS)('%s backend: retries, final failures and timeouts', (backend) => {
  let cluster: EngineCluster;
  const receiver = new WebhookReceiver()
    .on('/flaky', (_request, nth) => (nth === 0 ? { status: 500 } : { status: 200 }))
    .on('/busy', (_request, nth) =>
      nth === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 },
    )
    .on('/bad', () => ({ status: 400, body: 'no such thing' }))
    .on('/slow', () => 'hold');

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

  async function trigger(
    path: string,
    executionType: 'AT_LEAST_ONCE' | 'AT_MOST_ONCE',
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const jobId = await cluster.createJob({
      name: `${path}-${executionType}`,
      cronExpression: '0 0 0 1 1 *',
      httpUrl: receiver.url(path),
      executionType,
      retryPolicy: { maxAttempts: 3, initialBackoffMs: 200, maxBackoffMs: 1000 },
      ...extra,
    });
    const triggered = await cluster.api('POST', `/api/v1/jobs/${jobId}/trigger`);
    expect(triggered.status).toBe(202);
    return triggered.body.executionId as string;
  }

  const settled = (id: string) =>
    cluster.waitForRows<ExecutionRow>(
      'SELECT status, attempts, http_status, error FROM executions WHERE id = $1',
      [id],
      (rows) => rows[0]?.status === 'SUCCEEDED' || rows[0]?.status === 'FAILED',
    );

  it('500 then 200: retried with backoff, succeeds, same X-Execution-Id', async () => {
    const id = await trigger('/flaky', 'AT_LEAST_ONCE');
    const [row] = await settled(id);
    expect(row).toMatchObject({ status: 'SUCCEEDED', attempts: 2, http_status: 200 });
    const deliveries = receiver.forPath('/flaky');
    expect(deliveries.map((d) => [d.executionId, d.attempt])).toEqual([
      [id, 1],
      [id, 2],
    ]);
    // The backoff is full-jitter (0 to 200 ms here): only the order can be asserted.
    expect(deliveries[1]!.receivedAt).toBeGreaterThanOrEqual(deliveries[0]!.receivedAt);
    const detail = await cluster.api('GET', `/api/v1/executions/${id}`);
    expect(detail.body.attemptHistory.map((a: { httpStatus: number }) => a.httpStatus)).toEqual([
      500, 200,
    ]);
  });

  it('429 with Retry-After: waits at least that long', async () => {
    const id = await trigger('/busy', 'AT_LEAST_ONCE');
    const [row] = await settled(id);
    expect(row).toMatchObject({ status: 'SUCCEEDED', attempts: 2, http_status: 204 });
    const [first, second] = receiver.forPath('/busy');
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it('400: a final failure, not retried, in the dead-letter list and replayable', async () => {
    const id = await trigger('/bad', 'AT_LEAST_ONCE');
    const [row] = await settled(id);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1, http_status: 400 });
    expect(receiver.forPath('/bad')).toHaveLength(1);
    const dlq = await cluster.api('GET', '/api/v1/dlq');
    expect(dlq.body.items.map((e: { id: string }) => e.id)).toContain(id);
    const detail = await cluster.api('GET', `/api/v1/executions/${id}`);
    expect(detail.body.responseExcerpt).toBe('no such thing');

    const replayed = await cluster.api('POST', `/api/v1/executions/${id}/replay`);
    expect(replayed.status).toBe(202);
    await receiver.waitFor(() => receiver.forPath('/bad').length === 2, 10_000, 'the replay');
    expect(receiver.forPath('/bad')[1]).toMatchObject({ executionId: id, attempt: 2 });
    const notFailed = await cluster.api('POST', `/api/v1/executions/${crypto.randomUUID()}/replay`);
    expect(notFailed.status).toBe(404);
  });

  it('timeout: AT_LEAST_ONCE retries, AT_MOST_ONCE fails with the reason and is not resent', async () => {
    const alo = await trigger('/slow', 'AT_LEAST_ONCE', {
      timeoutSeconds: 1,
      retryPolicy: { maxAttempts: 2, initialBackoffMs: 100, maxBackoffMs: 100 },
    });
    const amo = await trigger('/slow', 'AT_MOST_ONCE', { timeoutSeconds: 1 });
    const [aloRow] = await settled(alo);
    const [amoRow] = await settled(amo);
    expect(aloRow).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(aloRow!.error).toMatch(/timeout/i);
    expect(amoRow).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(amoRow!.error).toMatch(/timeout/i);
    const slow = receiver.forPath('/slow');
    expect(slow.filter((d) => d.executionId === alo).map((d) => d.attempt)).toEqual([1, 2]);
    expect(slow.filter((d) => d.executionId === amo).map((d) => d.attempt)).toEqual([1]);
  });
});
