import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const job = (name: string, cronExpression = '0 0 3 * * *') => ({
  name,
  cronExpression,
  httpUrl: 'http://127.0.0.1:9/hook',
});

describe('tenant creation quotas', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api.close();
  });

  async function tenantKey(quotas: Record<string, number>): Promise<{ apiKey: string }> {
    const tenant = await api.request('POST', '/api/v1/tenants', {
      name: `q-${Math.random().toString(36).slice(2, 10)}`,
      quotas,
    });
    expect(tenant.status).toBe(201);
    const key = await api.request('POST', `/api/v1/tenants/${tenant.body.id}/api-keys`, {
      scopes: ['jobs:read', 'jobs:write'],
    });
    return { apiKey: key.body.key as string };
  }

  it('maxJobs: the job past the limit is a 403 naming the quota; deleting one makes room', async () => {
    const as = await tenantKey({ maxJobs: 2 });
    const first = await api.request('POST', '/api/v1/jobs', job('a'), as);
    expect((await api.request('POST', '/api/v1/jobs', job('b'), as)).status).toBe(201);
    const third = await api.request('POST', '/api/v1/jobs', job('c'), as);
    expect(third.status).toBe(403);
    expect(third.body.message).toMatch(/^quotas\.maxJobs: /);
    expect((await api.request('GET', '/api/v1/jobs', undefined, as)).body.total).toBe(2);

    await api.request('DELETE', `/api/v1/jobs/${first.body.id}`, undefined, as);
    expect((await api.request('POST', '/api/v1/jobs', job('c'), as)).status).toBe(201);
  });

  it('maxJobs holds under 20 concurrent creates', async () => {
    const as = await tenantKey({ maxJobs: 5 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.request('POST', '/api/v1/jobs', job(`c${i}`), as)),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 403)).toHaveLength(15);
    expect((await api.request('GET', '/api/v1/jobs', undefined, as)).body.total).toBe(5);
  });

  it('minIntervalSeconds bars every-second jobs at create and at PATCH', async () => {
    const as = await tenantKey({ minIntervalSeconds: 60 });
    const everySecond = await api.request('POST', '/api/v1/jobs', job('fast', '* * * * * *'), as);
    expect(everySecond.status).toBe(403);
    expect(everySecond.body.message).toMatch(/^quotas\.minIntervalSeconds: .*1 s apart/);
    // Two fires a second apart once a minute is still too often.
    const burst = await api.request('POST', '/api/v1/jobs', job('burst', '0,1 * * * * *'), as);
    expect(burst.status).toBe(403);

    const minutely = await api.request('POST', '/api/v1/jobs', job('ok', '0 * * * * *'), as);
    expect(minutely.status).toBe(201);
    const faster = await api.request(
      'PATCH',
      `/api/v1/jobs/${minutely.body.id}`,
      { cronExpression: '*/10 * * * * *' },
      as,
    );
    expect(faster.status).toBe(403);
    const unchanged = await api.request('GET', `/api/v1/jobs/${minutely.body.id}`, undefined, as);
    expect(unchanged.body.cronExpression).toBe('0 * * * * *');
  });
});
