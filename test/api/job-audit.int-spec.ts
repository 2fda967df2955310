import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

describe('audit trail, versions and If-Match', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api.close();
  });

  it('records every change with the key prefix and redacted values, newest first', async () => {
    const key = await api.request('POST', `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`, {
      scopes: ['jobs:read', 'jobs:write', 'executions:write'],
    });
    const as = { apiKey: key.body.key as string };
    const created = await api.request(
      'POST',
      '/api/v1/jobs',
      {
        name: 'audited',
        cronExpression: '0 0 3 * * *',
        httpUrl: 'http://127.0.0.1:9/hook',
        httpHeaders: { Authorization: 'Bearer audit-canary-secret' },
      },
      as,
    );
    const id = created.body.id as string;
    await api.request('PATCH', `/api/v1/jobs/${id}`, { description: 'now described' }, as);
    await api.request('PATCH', `/api/v1/jobs/${id}`, { isActive: false }, as);
    await api.request('PATCH', `/api/v1/jobs/${id}`, { isActive: true }, as);
    const triggered = await api.request('POST', `/api/v1/jobs/${id}/trigger`, undefined, as);
    await api.request('DELETE', `/api/v1/jobs/${id}`, undefined, as);

    const audit = await api.request('GET', `/api/v1/jobs/${id}/audit`, undefined, as);
    expect(audit.status).toBe(200);
    const items = audit.body.items as Array<{
      action: string;
      actorKeyPrefix: string;
      jobVersion: number;
      changes: Array<{ field: string; from?: unknown; to?: unknown }>;
    }>;
    expect(items.map((e) => e.action)).toEqual([
      'DELETE',
      'TRIGGER',
      'RESUME',
      'PAUSE',
      'UPDATE',
      'CREATE',
    ]);
    expect(new Set(items.map((e) => e.actorKeyPrefix))).toEqual(new Set([key.body.prefix]));
    expect(items.map((e) => e.jobVersion)).toEqual([5, 4, 4, 3, 2, 1]);
    expect(items[4]!.changes).toEqual([{ field: 'description', from: null, to: 'now described' }]);
    expect(items[1]!.changes).toEqual([{ field: 'executionId', to: triggered.body.executionId }]);
    expect(JSON.stringify(audit.body)).not.toContain('audit-canary-secret');
    const stored = await api.app.get(DataSource).query('SELECT changes FROM job_audit_events');
    expect(JSON.stringify(stored)).not.toContain('audit-canary-secret');

    const page = await api.request('GET', `/api/v1/jobs/${id}/audit?limit=4`, undefined, as);
    expect(page.body.items).toHaveLength(4);
    const rest = await api.request(
      'GET',
      `/api/v1/jobs/${id}/audit?limit=4&cursor=${page.body.nextCursor as string}`,
      undefined,
      as,
    );
    expect(rest.body.items.map((e: { action: string }) => e.action)).toEqual(['UPDATE', 'CREATE']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('sends the version as ETag and refuses a stale If-Match with 412, changing nothing', async () => {
    const created = await api.request('POST', '/api/v1/jobs', {
      name: 'etag',
      cronExpression: '0 0 3 * * *',
      httpUrl: 'http://127.0.0.1:9/hook',
    });
    const id = created.body.id as string;
    expect(created.headers.get('etag')).toBe('"1"');
    const read = await api.request('GET', `/api/v1/jobs/${id}`);
    const etag = read.headers.get('etag')!;

    const first = await api.request(
      'PATCH',
      `/api/v1/jobs/${id}`,
      { name: 'operator-a' },
      { headers: { 'if-match': etag } },
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');

    const second = await api.request(
      'PATCH',
      `/api/v1/jobs/${id}`,
      { name: 'operator-b' },
      { headers: { 'if-match': etag } },
    );
    expect(second.status).toBe(412);
    expect(second.body.message).toMatch(/^If-Match: .*version 2/);
    expect((await api.request('GET', `/api/v1/jobs/${id}`)).body.name).toBe('operator-a');
    expect(
      (
        await api.request(
          'PATCH',
          `/api/v1/jobs/${id}`,
          { name: 'operator-b' },
          { headers: { 'if-match': 'W/"2"' } },
        )
      ).status,
    ).toBe(200);
  });

  it('audits a signing-secret rotation without the secret, and bumps the version', async () => {
    const created = await api.request('POST', '/api/v1/jobs', {
      name: 'rotated',
      cronExpression: '0 0 3 * * *',
      httpUrl: 'http://127.0.0.1:9/hook',
    });
    const id = created.body.id as string;
    const rotated = await api.request('POST', `/api/v1/jobs/${id}/signing-secret/rotate`, {
      graceSeconds: 60,
    });
    expect(rotated.status).toBe(200);
    const audit = await api.request('GET', `/api/v1/jobs/${id}/audit`);
    const [latest] = audit.body.items as Array<{ action: string; jobVersion: number }>;
    expect(latest).toMatchObject({ action: 'ROTATE_SIGNING_SECRET', jobVersion: 2 });
    expect(JSON.stringify(audit.body)).not.toContain(rotated.body.signingSecret as string);
    expect(JSON.stringify(audit.body)).not.toContain(created.body.signingSecret as string);
    expect((await api.request('GET', `/api/v1/jobs/${id}`)).headers.get('etag')).toBe('"2"');
  });
});
