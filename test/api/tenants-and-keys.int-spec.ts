import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

describe('tenants and API keys', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates, reads, lists, renames and deletes a tenant', async () => {
    const created = await api.request('POST', '/api/v1/tenants', {
      name: 'acme',
      quotas: { maxJobs: 10, minIntervalSeconds: 60 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'acme',
      quotas: { maxJobs: 10, minIntervalSeconds: 60 },
    });
    const id = created.body.id as string;

    expect((await api.request('GET', `/api/v1/tenants/${id}`)).body.name).toBe('acme');
    const list = await api.request('GET', '/api/v1/tenants');
    expect(list.body.items.map((t: { name: string }) => t.name)).toEqual(['default', 'acme']);

    // A quota sent as null is removed; one left out is kept.
    const patched = await api.request('PATCH', `/api/v1/tenants/${id}`, {
      name: 'acme-corp',
      quotas: { maxJobs: null, maxConcurrentExecutions: 5 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'acme-corp',
      quotas: { minIntervalSeconds: 60, maxConcurrentExecutions: 5 },
    });
    expect(patched.body.quotas).not.toHaveProperty('maxJobs');

    expect((await api.request('DELETE', `/api/v1/tenants/${id}`)).status).toBe(204);
    expect((await api.request('GET', `/api/v1/tenants/${id}`)).status).toBe(404);
    expect((await api.request('DELETE', `/api/v1/tenants/${id}`)).status).toBe(404);
  });

  it('refuses a taken name, bad quotas, deleting the default tenant or one with jobs', async () => {
    expect((await api.request('POST', '/api/v1/tenants', { name: 'dup' })).status).toBe(201);
    const taken = await api.request('POST', '/api/v1/tenants', { name: 'dup' });
    expect(taken.status).toBe(409);
    expect(taken.body.message).toMatch(/^name: /);

    const bad = await api.request('POST', '/api/v1/tenants', {
      name: 'bad',
      quotas: { maxJobs: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/quotas\.maxJobs/);
    expect((await api.request('POST', '/api/v1/tenants', { name: 'Has Space' })).status).toBe(400);

    const defaultDelete = await api.request('DELETE', `/api/v1/tenants/${DEFAULT_TENANT_ID}`);
    expect(defaultDelete.status).toBe(409);

    const busy = await api.request('POST', '/api/v1/tenants', { name: 'busy' });
    const key = await api.request('POST', `/api/v1/tenants/${busy.body.id}/api-keys`, {
      scopes: ['jobs:write'],
    });
    const job = await api.request(
      'POST',
      '/api/v1/jobs',
      { name: 'j', cronExpression: '0 0 3 * * *', httpUrl: 'http://127.0.0.1:9/' },
      { apiKey: key.body.key },
    );
    expect(job.status).toBe(201);
    const refused = await api.request('DELETE', `/api/v1/tenants/${busy.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/still has jobs/);
    // Once its jobs are deleted the tenant goes, and its keys stop working.
    expect(
      (
        await api.request('DELETE', `/api/v1/jobs/${job.body.id}`, undefined, {
          apiKey: key.body.key,
        })
      ).status,
    ).toBe(204);
    expect((await api.request('DELETE', `/api/v1/tenants/${busy.body.id}`)).status).toBe(204);
    const after = await api.request('GET', '/api/v1/jobs', undefined, { apiKey: key.body.key });
    expect(after.status).toBe(401);
  });

  it('shows a key once, stores only its hash, and lists it by prefix', async () => {
    const created = await api.request('POST', `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`, {
      scopes: ['jobs:read'],
      name: 'reader',
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^jsk_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(key.slice(0, 12));

    const dataSource = api.app.get(DataSource);
    const rows = await dataSource.query<Array<Record<string, unknown>>>(
      'SELECT * FROM api_keys WHERE id = $1',
      [created.body.id],
    );
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(JSON.stringify(rows)).not.toContain(key.slice(12));

    const list = await api.request('GET', `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`);
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({
      prefix: created.body.prefix,
      name: 'reader',
      scopes: ['jobs:read'],
    });
    expect(JSON.stringify(list.body)).not.toContain(key);

    const used = await api.request('GET', '/api/v1/jobs', undefined, { apiKey: key });
    expect(used.status).toBe(200);
  });

  it('lets keys:manage grant only what it holds, never admin, and only for its tenant', async () => {
    const manager = await api.request('POST', `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`, {
      scopes: ['keys:manage', 'jobs:read'],
    });
    const as = { apiKey: manager.body.key as string };
    const path = `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`;
    expect((await api.request('POST', path, { scopes: ['jobs:read'] }, as)).status).toBe(201);
    const unheld = await api.request('POST', path, { scopes: ['jobs:write'] }, as);
    expect(unheld.status).toBe(403);
    expect(unheld.body.message).toContain('jobs:write');
    const admin = await api.request('POST', path, { scopes: ['admin'] }, as);
    expect(admin.status).toBe(403);
    expect(admin.body.message).toContain('admin');

    const other = await api.request('POST', '/api/v1/tenants', { name: 'someone-else' });
    const foreign = await api.request(
      'POST',
      `/api/v1/tenants/${other.body.id}/api-keys`,
      { scopes: ['jobs:read'] },
      as,
    );
    expect(foreign.status).toBe(404);
  });

  it('validates key requests: scopes, expiry in the future', async () => {
    const path = `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`;
    for (const [body, field] of [
      [{ scopes: [] }, 'scopes'],
      [{ scopes: ['jobs:delete'] }, 'scopes'],
      [{ scopes: ['jobs:read', 'jobs:read'] }, 'scopes'],
      [{ scopes: ['jobs:read'], expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      [{ scopes: ['jobs:read'], expiresAt: 'tomorrow' }, 'expiresAt'],
    ] as const) {
      const response = await api.request('POST', path, body);
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(field);
    }
    const expiring = await api.request('POST', path, {
      scopes: ['jobs:read'],
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(expiring.status).toBe(201);
    expect(expiring.body.expiresAt).not.toBeNull();
  });

  it('stops accepting a key the moment it is revoked, even one just used', async () => {
    const created = await api.request('POST', `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`, {
      scopes: ['jobs:read'],
    });
    const as = { apiKey: created.body.key as string };
    // Used twice: the second answer may come from the authentication cache.
    expect((await api.request('GET', '/api/v1/jobs', undefined, as)).status).toBe(200);
    expect((await api.request('GET', '/api/v1/jobs', undefined, as)).status).toBe(200);
    const revoked = await api.request(
      'DELETE',
      `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys/${created.body.id as string}`,
    );
    expect(revoked.status).toBe(204);
    expect((await api.request('GET', '/api/v1/jobs', undefined, as)).status).toBe(401);
  });
});
