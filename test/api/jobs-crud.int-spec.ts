import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const validJob = {
  name: 'nightly-report',
  cronExpression: '0 30 2 * * *',
  timezone: 'Europe/Paris',
  httpUrl: 'http://127.0.0.1:9/hooks/report',
};

describe('jobs API: create, read, list, change, delete', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates a job with defaults and reads it back', async () => {
    const created = await api.request('POST', '/api/v1/jobs', validJob);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'nightly-report',
      description: null,
      cronExpression: '0 30 2 * * *',
      timezone: 'Europe/Paris',
      httpMethod: 'POST',
      httpUrl: 'http://127.0.0.1:9/hooks/report',
      httpHeaders: {},
      httpBody: null,
      executionType: 'AT_LEAST_ONCE',
      timeoutSeconds: 30,
      retryPolicy: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 60000 },
      misfirePolicy: 'FIRE_ONCE',
      misfireWindowSeconds: null,
      isActive: true,
      deletedAt: null,
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    // 02:30 in Paris is 00:30 or 01:30 UTC depending on the season.
    expect(created.body.nextRunAt).toMatch(/^\d{4}-\d\d-\d\dT0[01]:30:00\.000Z$/);

    // The signing secret is in the create response only (test/api/signing-secret.int-spec.ts).
    const { signingSecret, ...job } = created.body as Record<string, unknown>;
    expect(signingSecret).toMatch(/^whsec_/);
    const read = await api.request('GET', `/api/v1/jobs/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(job);
  });

  it('normalises a five-field expression to six fields', async () => {
    const created = await api.request('POST', '/api/v1/jobs', {
      ...validJob,
      cronExpression: '*/5 * * * *',
    });
    expect(created.status).toBe(201);
    expect(created.body.cronExpression).toBe('0 */5 * * * *');
  });

  it('stores every optional field and redacts secrets in responses', async () => {
    const created = await api.request('POST', '/api/v1/jobs', {
      ...validJob,
      description: 'sends the report',
      httpMethod: 'PUT',
      httpUrl: 'https://bot:hunter2@example.com/hook?token=abc&team=x',
      httpHeaders: {
        Authorization: 'Bearer s3cret',
        'X-Team': 'payments',
        'Content-Type': 'text/plain',
      },
      httpBody: { report: 'daily', ids: [1, 2] },
      executionType: 'AT_MOST_ONCE',
      timeoutSeconds: 90,
      retryPolicy: { maxAttempts: 5 },
      misfirePolicy: 'FIRE_ALL',
      misfireWindowSeconds: 3600,
      isActive: false,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      description: 'sends the report',
      httpMethod: 'PUT',
      httpUrl: 'https://[REDACTED]@example.com/hook?token=[REDACTED]&team=[REDACTED]',
      httpHeaders: {
        Authorization: '[REDACTED]',
        'X-Team': '[REDACTED]',
        'Content-Type': 'text/plain',
      },
      httpBody: { report: 'daily', ids: [1, 2] },
      executionType: 'AT_MOST_ONCE',
      timeoutSeconds: 90,
      retryPolicy: { maxAttempts: 5, initialBackoffMs: 1000, maxBackoffMs: 60000 },
      misfirePolicy: 'FIRE_ALL',
      misfireWindowSeconds: 3600,
      isActive: false,
      nextRunAt: null,
    });
    expect(JSON.stringify(created.body)).not.toMatch(/bot|hunter2|s3cret|abc|payments/);
  });

  it('keeps a string body as a string', async () => {
    const created = await api.request('POST', '/api/v1/jobs', { ...validJob, httpBody: 'a=1&b=2' });
    expect(created.status).toBe(201);
    expect(created.body.httpBody).toBe('a=1&b=2');
  });

  it('lists with pagination, isActive filter and name search', async () => {
    const fresh = await startTestApp();
    try {
      for (let i = 0; i < 5; i++) {
        const response = await fresh.request('POST', '/api/v1/jobs', {
          ...validJob,
          name: `billing-${i}`,
          isActive: i % 2 === 0,
        });
        expect(response.status).toBe(201);
      }
      await fresh.request('POST', '/api/v1/jobs', { ...validJob, name: 'cleanup_100%' });

      const page1 = await fresh.request('GET', '/api/v1/jobs?limit=4&page=1');
      const page2 = await fresh.request('GET', '/api/v1/jobs?limit=4&page=2');
      expect(page1.body).toMatchObject({ page: 1, limit: 4, total: 6 });
      expect(page1.body.items).toHaveLength(4);
      expect(page2.body.items).toHaveLength(2);
      const ids = [...page1.body.items, ...page2.body.items].map((job: { id: string }) => job.id);
      expect(new Set(ids).size).toBe(6);
      // Newest first.
      expect(page1.body.items[0].name).toBe('cleanup_100%');

      const active = await fresh.request('GET', '/api/v1/jobs?isActive=true');
      expect(active.body.items.map((job: { name: string }) => job.name).sort()).toEqual([
        'billing-0',
        'billing-2',
        'billing-4',
        'cleanup_100%',
      ]);
      const inactive = await fresh.request('GET', '/api/v1/jobs?isActive=false');
      expect(inactive.body.total).toBe(2);

      const search = await fresh.request('GET', '/api/v1/jobs?search=BILLING-1');
      expect(search.body.items.map((job: { name: string }) => job.name)).toEqual(['billing-1']);
      // LIKE wildcards in the search are literal.
      const percent = await fresh.request('GET', '/api/v1/jobs?search=0%25');
      expect(percent.body.items.map((job: { name: string }) => job.name)).toEqual(['cleanup_100%']);
    } finally {
      await fresh.close();
    }
  });

  it('patches only the given fields and merges the retry policy', async () => {
    const created = await api.request('POST', '/api/v1/jobs', {
      ...validJob,
      description: 'before',
      retryPolicy: { maxAttempts: 4, initialBackoffMs: 500 },
    });
    const patched = await api.request('PATCH', `/api/v1/jobs/${created.body.id}`, {
      description: null,
      retryPolicy: { maxBackoffMs: 5000 },
      timezone: 'America/New_York',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'nightly-report',
      description: null,
      timezone: 'America/New_York',
      cronExpression: '0 30 2 * * *',
      retryPolicy: { maxAttempts: 4, initialBackoffMs: 500, maxBackoffMs: 5000 },
    });
    const schedule = await api.request('GET', `/api/v1/jobs/${created.body.id}/schedule?count=1`);
    // 02:30 New York is 06:30 or 07:30 UTC (or 07:30 on a spring-forward day).
    expect(schedule.body.nextRuns[0]).toMatch(/T0[67]:30:00\.000Z$/);
  });

  it('soft-deletes: the job stops firing, leaves the listing, and PATCH isActive revives it', async () => {
    const created = await api.request('POST', '/api/v1/jobs', { ...validJob, name: 'to-delete' });
    const id = created.body.id as string;

    const deleted = await api.request('DELETE', `/api/v1/jobs/${id}`);
    expect(deleted.status).toBe(204);

    const read = await api.request('GET', `/api/v1/jobs/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ isActive: false, nextRunAt: null });
    expect(read.body.deletedAt).not.toBeNull();

    const listed = await api.request('GET', '/api/v1/jobs?search=to-delete');
    expect(listed.body.total).toBe(0);
    const withDeleted = await api.request(
      'GET',
      '/api/v1/jobs?search=to-delete&includeDeleted=true',
    );
    expect(withDeleted.body.total).toBe(1);

    expect((await api.request('DELETE', `/api/v1/jobs/${id}`)).status).toBe(204);

    const revived = await api.request('PATCH', `/api/v1/jobs/${id}`, { isActive: true });
    expect(revived.status).toBe(200);
    expect(revived.body).toMatchObject({ isActive: true, deletedAt: null });
    expect(revived.body.nextRunAt).not.toBeNull();
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    for (const [method, suffix] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['GET', '/schedule'],
      ['GET', '/history'],
    ] as const) {
      const malformed = await api.request(
        method,
        `/api/v1/jobs/not-a-uuid${suffix}`,
        method === 'PATCH' ? {} : undefined,
      );
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'id must be a UUID',
      });
      const unknown = await api.request(
        method,
        `/api/v1/jobs/00000000-0000-4000-8000-000000000000${suffix}`,
        method === 'PATCH' ? { name: 'x' } : undefined,
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toContain('00000000-0000-4000-8000-000000000000');
    }
  });
});
