import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

describe('job history', () => {
  let api: TestApp;
  let jobId: string;

  beforeAll(async () => {
    api = await startTestApp();
    const job = await api.request('POST', '/api/v1/jobs', {
      name: 'history',
      cronExpression: '* * * * * *',
      httpUrl: 'http://127.0.0.1:9/',
    });
    jobId = job.body.id as string;
  });
  afterAll(async () => {
    await api.close();
  });

  it('is empty for a job that never ran', async () => {
    const response = await api.request('GET', `/api/v1/jobs/${jobId}/history`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], nextCursor: null });
  });

  it('pages through executions newest first and filters by status', async () => {
    // Executions are written by the engine; here they are inserted directly.
    const db = api.app.get(DataSource);
    await db.query(
      `INSERT INTO executions (job_id, scheduled_at, status, attempts, http_status, duration_ms)
       SELECT $1, timestamptz '2026-01-01T00:00:00Z' + (n || ' seconds')::interval,
              CASE WHEN n % 3 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END, 1, 200, 12
       FROM generate_series(0, 24) AS n`,
      [jobId],
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.request('GET', `/api/v1/jobs/${jobId}/history?limit=10${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: { scheduledAt: string }) => item.scheduledAt));
      cursor = page.body.nextCursor;
    } while (cursor);

    expect(seen).toHaveLength(25);
    expect(seen[0]).toBe('2026-01-01T00:00:24.000Z');
    expect(seen.at(-1)).toBe('2026-01-01T00:00:00.000Z');
    expect([...seen].sort().reverse()).toEqual(seen);

    const failed = await api.request(
      'GET',
      `/api/v1/jobs/${jobId}/history?status=FAILED&limit=100`,
    );
    expect(failed.body.items).toHaveLength(9);
    expect(failed.body.items[0]).toMatchObject({
      jobId,
      scheduledAt: '2026-01-01T00:00:24.000Z',
      status: 'FAILED',
      trigger: 'SCHEDULE',
      attempts: 1,
      httpStatus: 200,
      durationMs: 12,
      error: null,
    });
  });
});
