import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';
import { EngineCluster } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const CAP = 2;
const SLOW_JOBS = 12;

/** One event in the order the receivers saw them. */
type Event = { tenant: 'capped' | 'free'; kind: 'start' | 'end'; executionId: string };

/**
 * A receiver that takes 1 s to answer and counts how many requests it holds at once.
 * Every start and end goes into the shared `events` list, in the order they happened.
 */
class SlowReceiver {
  inFlight = 0;
  maxInFlight = 0;
  readonly executionIds: string[] = [];
  port = 0;
  private server: Server | undefined;

  constructor(private readonly events: Event[]) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const executionId = String(req.headers['x-execution-id'] ?? '');
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      this.executionIds.push(executionId);
      this.events.push({ tenant: 'capped', kind: 'start', executionId });
      req.resume();
      setTimeout(() => {
        this.inFlight -= 1;
        this.events.push({ tenant: 'capped', kind: 'end', executionId });
        res.end('ok');
      }, 1000);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    this.port = address.port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

/**
 * Tenant "capped" may have 2 executions in flight (maxConcurrentExecutions), across both
 * workers; 12 of its jobs fire in the same second against a receiver that takes 1 s each.
 * Tenant "free" has one every-second job on a fast receiver. The capped receiver never holds
 * more than 2 of its requests, every capped occurrence is still delivered (late, not lost,
 * not failed), and the free tenant's requests keep arriving while the capped backlog drains.
 */
describe('tenant execution caps, enforced across workers', () => {
  let cluster: EngineCluster;
  const events: Event[] = [];
  const slow = new SlowReceiver(events);
  const fast = new WebhookReceiver();

  beforeAll(async () => {
    await Promise.all([slow.start(), fast.start()]);
    cluster = await EngineCluster.create({ env: { WORKER_POOL_SIZE: '10' } });
    await cluster.startScheduler('scheduler');
    await cluster.startWorker('worker-1');
    await cluster.startWorker('worker-2');
  });

  afterAll(async () => {
    await cluster?.close();
    await Promise.all([slow.stop(), fast.stop()]);
  });

  async function tenantKey(name: string, quotas: Record<string, number>): Promise<string> {
    const tenant = await cluster.api('POST', '/api/v1/tenants', { name, quotas });
    expect(tenant.status).toBe(201);
    const key = await cluster.api('POST', `/api/v1/tenants/${tenant.body.id}/api-keys`, {
      scopes: ['jobs:write', 'jobs:read', 'executions:read'],
    });
    expect(key.status).toBe(201);
    return key.body.key as string;
  }

  it('holds the capped tenant to 2 in flight, delivers all of it, and keeps the other on time', async () => {
    const capped = await tenantKey('capped', { maxConcurrentExecutions: CAP });
    const free = await tenantKey('free', {});
    fast.on('/free', (request) => {
      events.push({ tenant: 'free', kind: 'start', executionId: request.executionId });
      return { status: 200 };
    });
    const freeJob = await cluster.api(
      'POST',
      '/api/v1/jobs',
      { name: 'free', cronExpression: '* * * * * *', httpUrl: fast.url('/free') },
      { apiKey: free },
    );
    expect(freeJob.status).toBe(201);

    // Every capped job fires once, in the same second, a few seconds from now (UTC).
    const fireAt = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000);
    const cron = `${fireAt.getUTCSeconds()} ${fireAt.getUTCMinutes()} ${fireAt.getUTCHours()} * * *`;
    const cappedJobs: string[] = [];
    for (let i = 0; i < SLOW_JOBS; i++) {
      const created = await cluster.api(
        'POST',
        '/api/v1/jobs',
        {
          name: `capped-${i}`,
          cronExpression: cron,
          httpUrl: `http://127.0.0.1:${slow.port}/capped`,
          timeoutSeconds: 10,
        },
        { apiKey: capped },
      );
      expect(created.status).toBe(201);
      cappedJobs.push(created.body.id as string);
    }

    // While the backlog drains, history says why an execution waits.
    const waiting = await cluster.waitForRows<{ error: string }>(
      `SELECT e.error FROM executions e JOIN jobs j ON j.id = e.job_id
       WHERE j.id = ANY($1::uuid[]) AND e.status = 'RETRYING' AND e.error LIKE '%maxConcurrentExecutions%'`,
      [cappedJobs],
      (rows) => rows.length > 0,
    );
    expect(waiting[0]!.error).toMatch(/tenant's 2 concurrent executions/);

    const settled = await cluster.waitForRows<{ status: string; attempts: number }>(
      `SELECT e.status, e.attempts FROM executions e
       WHERE e.job_id = ANY($1::uuid[]) AND e.status IN ('SUCCEEDED', 'FAILED')`,
      [cappedJobs],
      (rows) => rows.length === SLOW_JOBS,
      40_000,
    );
    expect(settled.every((row) => row.status === 'SUCCEEDED' && row.attempts === 1)).toBe(true);

    // Never more than 2 of the capped tenant's requests at once, and the cap was reached.
    expect(slow.maxInFlight).toBe(CAP);
    expect(slow.executionIds).toHaveLength(SLOW_JOBS);
    expect(new Set(slow.executionIds).size).toBe(SLOW_JOBS);

    // Between the first and the last capped request, the free tenant kept being served:
    // 12 requests at 2 per second take about 6 s, so it got several of its every-second fires.
    const starts = events.filter((event) => event.kind === 'start');
    const firstCapped = starts.findIndex((event) => event.tenant === 'capped');
    const lastCapped = starts.map((event) => event.tenant).lastIndexOf('capped');
    const freeMeanwhile = starts
      .slice(firstCapped, lastCapped)
      .filter((event) => event.tenant === 'free');
    expect(freeMeanwhile.length).toBeGreaterThanOrEqual(3);
    expect(new Set(freeMeanwhile.map((event) => event.executionId)).size).toBe(
      freeMeanwhile.length,
    );

    // The default tenant (no quotas) was never involved.
    const defaultJobs = await cluster.db.query(
      'SELECT count(*)::int AS n FROM jobs WHERE tenant_id = $1',
      [DEFAULT_TENANT_ID],
    );
    expect(defaultJobs.rows[0]).toEqual({ n: 0 });
  });
});
