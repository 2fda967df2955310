import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';
import { IdempotencyRepository } from '../../src/jobs/idempotency.repository.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const job = {
  name: 'idempotent',
  cronExpression: '0 0 3 * * *',
  httpUrl: 'http://127.0.0.1:9/hook',
};

describe('Idempotency-Key on create and trigger', () => {
  let api: TestApp;
  let dataSource: DataSource;
  beforeAll(async () => {
    api = await startTestApp();
    dataSource = api.app.get(DataSource);
  });
  afterAll(async () => {
    await api.close();
  });

  const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });
  const countJobs = async (name: string) =>
    Number(
      (
        await dataSource.query<Array<{ n: string }>>(
          'SELECT count(*) AS n FROM jobs WHERE name = $1',
          [name],
        )
      )[0]!.n,
    );

  it('returns the original response for the same key and body, and 422 for another body', async () => {
    const first = await api.request('POST', '/api/v1/jobs', job, withKey('create-1'));
    expect(first.status).toBe(201);
    // Same body with its keys in another order: the same request.
    const reordered = { httpUrl: job.httpUrl, cronExpression: job.cronExpression, name: job.name };
    const again = await api.request('POST', '/api/v1/jobs', reordered, withKey('create-1'));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.body.signingSecret).toMatch(/^whsec_/);
    expect(await countJobs('idempotent')).toBe(1);
    // The stored response carries the signing secret: sealed, never in clear.
    const stored = await dataSource.query<Array<{ response_body: string }>>(
      "SELECT response_body FROM idempotency_keys WHERE key = 'create-1'",
    );
    expect(stored[0]!.response_body).not.toContain(first.body.signingSecret as string);
    expect(stored[0]!.response_body).not.toContain('idempotent');

    const other = await api.request(
      'POST',
      '/api/v1/jobs',
      { ...job, name: 'other' },
      withKey('create-1'),
    );
    expect(other.status).toBe(422);
    expect(other.body.message).toMatch(/^Idempotency-Key: /);
    expect(await countJobs('other')).toBe(0);
  });

  it('creates exactly one job for 20 concurrent duplicates', async () => {
    const body = { ...job, name: 'concurrent' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api.request('POST', '/api/v1/jobs', body, withKey('burst'))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await countJobs('concurrent')).toBe(1);
  });

  it('scopes keys per tenant and expires them after 24 hours', async () => {
    const tenant = await api.request('POST', '/api/v1/tenants', { name: 'idem-other' });
    const key = await api.request('POST', `/api/v1/tenants/${tenant.body.id}/api-keys`, {
      scopes: ['jobs:write'],
    });
    const body = { ...job, name: 'per-tenant' };
    const mine = await api.request('POST', '/api/v1/jobs', body, withKey('shared'));
    const theirs = await api.request('POST', '/api/v1/jobs', body, {
      apiKey: key.body.key as string,
      headers: { 'idempotency-key': 'shared' },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);

    await dataSource.query(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second'
       WHERE tenant_id = $1 AND key = 'shared'`,
      [DEFAULT_TENANT_ID],
    );
    const afterExpiry = await api.request('POST', '/api/v1/jobs', body, withKey('shared'));
    expect(afterExpiry.status).toBe(201);
    expect(afterExpiry.body.id).not.toBe(mine.body.id);
  });

  it('triggers once per key', async () => {
    const created = await api.request('POST', '/api/v1/jobs', { ...job, name: 'trigger-me' });
    const path = `/api/v1/jobs/${created.body.id}/trigger`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api.request('POST', path, undefined, withKey('run-1'))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(202));
    expect(new Set(answers.map((a) => a.body.executionId)).size).toBe(1);
    const runs = await dataSource.query<Array<{ n: string }>>(
      "SELECT count(*) AS n FROM executions WHERE job_id = $1 AND trigger = 'MANUAL'",
      [created.body.id],
    );
    expect(Number(runs[0]!.n)).toBe(1);
    // The same key for another job is another request.
    const other = await api.request('POST', '/api/v1/jobs', { ...job, name: 'trigger-other' });
    const reused = await api.request(
      'POST',
      `/api/v1/jobs/${other.body.id}/trigger`,
      undefined,
      withKey('run-1'),
    );
    expect(reused.status).toBe(422);
  });

  it('rejects a malformed key with a 400 naming the header', async () => {
    const response = await api.request('POST', '/api/v1/jobs', job, withKey('x'.repeat(256)));
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Idempotency-Key /);
  });

  it('deletes expired records and keeps live ones', async () => {
    await api.request('POST', '/api/v1/jobs', { ...job, name: 'reaped' }, withKey('old'));
    await api.request('POST', '/api/v1/jobs', { ...job, name: 'kept' }, withKey('new'));
    await dataSource.query(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'old'`,
    );
    expect(await api.app.get(IdempotencyRepository).deleteExpired(100)).toBe(1);
    const keys = await dataSource.query<Array<{ key: string }>>(
      "SELECT key FROM idempotency_keys WHERE key IN ('old', 'new')",
    );
    expect(keys).toEqual([{ key: 'new' }]);
  });
});
