import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';
import { SCOPES } from '../../src/tenancy/scopes.js';
import type { Scope } from '../../src/tenancy/scopes.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp, TestResponse } from '../support/test-app.js';

/**
 * Every route, with no key, with keys that must not work, with a key missing the route's
 * scope, and with another tenant's key. The route table is checked against the OpenAPI
 * document, so a new route without a row here fails this file.
 */

interface Fixture {
  jobId: string;
  failedExecutionId: string;
  otherTenantId: string;
  /** A tenant without jobs, for the DELETE route. */
  emptyTenantId: string;
  ownKeyId: string;
}

interface Route {
  method: string;
  /** The OpenAPI path this row covers. */
  spec: string;
  path: (f: Fixture) => string;
  scope: Scope;
  body?: (f: Fixture) => unknown;
  /** What another tenant's key (holding every scope but admin) gets: usually 404. */
  otherTenant: 'not-found' | 'excluded-from-list' | 'own-data' | 'forbidden';
  ok: number;
}

const job = {
  name: 'owned-by-default',
  cronExpression: '0 0 3 * * *',
  httpUrl: 'http://127.0.0.1:9/hook',
};

const ROUTES: Route[] = [
  {
    method: 'POST',
    spec: '/api/v1/jobs',
    path: () => '/api/v1/jobs',
    scope: 'jobs:write',
    body: () => job,
    otherTenant: 'own-data',
    ok: 201,
  },
  {
    method: 'GET',
    spec: '/api/v1/jobs',
    path: () => '/api/v1/jobs',
    scope: 'jobs:read',
    otherTenant: 'excluded-from-list',
    ok: 200,
  },
  {
    method: 'GET',
    spec: '/api/v1/jobs/{id}',
    path: (f) => `/api/v1/jobs/${f.jobId}`,
    scope: 'jobs:read',
    otherTenant: 'not-found',
    ok: 200,
  },
  {
    method: 'PATCH',
    spec: '/api/v1/jobs/{id}',
    path: (f) => `/api/v1/jobs/${f.jobId}`,
    scope: 'jobs:write',
    body: () => ({ description: 'changed' }),
    otherTenant: 'not-found',
    ok: 200,
  },
  {
    method: 'GET',
    spec: '/api/v1/jobs/{id}/schedule',
    path: (f) => `/api/v1/jobs/${f.jobId}/schedule`,
    scope: 'jobs:read',
    otherTenant: 'not-found',
    ok: 200,
  },
  {
    method: 'GET',
    spec: '/api/v1/jobs/{id}/history',
    path: (f) => `/api/v1/jobs/${f.jobId}/history`,
    scope: 'executions:read',
    otherTenant: 'not-found',
    ok: 200,
  },
  {
    method: 'GET',
    spec: '/api/v1/jobs/{id}/audit',
    path: (f) => `/api/v1/jobs/${f.jobId}/audit`,
    scope: 'jobs:read',
    otherTenant: 'not-found',
    ok: 200,
  },
  {
    method: 'POST',
    spec: '/api/v1/jobs/{id}/signing-secret/rotate',
    path: (f) => `/api/v1/jobs/${f.jobId}/signing-secret/rotate`,
    scope: 'jobs:write',
    body: () => ({ graceSeconds: 60 }),
    otherTenant: 'not-found',
    ok: 200,
  },
  {
    method: 'POST',
    spec: '/api/v1/jobs/{id}/trigger',
    path: (f) => `/api/v1/jobs/${f.jobId}/trigger`,
    scope: 'executions:write',
    otherTenant: 'not-found',
    ok: 202,
  },
  {
    method: 'GET',
    spec: '/api/v1/executions/{id}',
    path: (f) => `/api/v1/executions/${f.failedExecutionId}`,
    scope: 'executions:read',
    otherTenant: 'not-found',
    ok: 200,
  },
  {
    method: 'GET',
    spec: '/api/v1/dlq',
    path: () => '/api/v1/dlq',
    scope: 'executions:read',
    otherTenant: 'excluded-from-list',
    ok: 200,
  },
  {
    method: 'POST',
    spec: '/api/v1/executions/{id}/replay',
    path: (f) => `/api/v1/executions/${f.failedExecutionId}/replay`,
    scope: 'executions:write',
    otherTenant: 'not-found',
    ok: 202,
  },
  {
    method: 'GET',
    spec: '/api/v1/cron/next',
    path: () => '/api/v1/cron/next?expression=*%20*%20*%20*%20*%20*',
    scope: 'jobs:read',
    otherTenant: 'own-data',
    ok: 200,
  },
  {
    method: 'POST',
    spec: '/api/v1/tenants',
    path: () => '/api/v1/tenants',
    scope: 'admin',
    body: () => ({ name: `t-${Math.random().toString(36).slice(2, 10)}` }),
    otherTenant: 'forbidden',
    ok: 201,
  },
  {
    method: 'GET',
    spec: '/api/v1/tenants',
    path: () => '/api/v1/tenants',
    scope: 'admin',
    otherTenant: 'forbidden',
    ok: 200,
  },
  {
    method: 'GET',
    spec: '/api/v1/tenants/{id}',
    path: (f) => `/api/v1/tenants/${f.otherTenantId}`,
    scope: 'admin',
    otherTenant: 'forbidden',
    ok: 200,
  },
  {
    method: 'PATCH',
    spec: '/api/v1/tenants/{id}',
    path: (f) => `/api/v1/tenants/${f.otherTenantId}`,
    scope: 'admin',
    body: () => ({ quotas: { maxJobs: 100 } }),
    otherTenant: 'forbidden',
    ok: 200,
  },
  {
    method: 'POST',
    spec: '/api/v1/tenants/{tenantId}/api-keys',
    path: () => `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`,
    scope: 'keys:manage',
    body: () => ({ scopes: ['jobs:read'] }),
    otherTenant: 'not-found',
    ok: 201,
  },
  {
    method: 'GET',
    spec: '/api/v1/tenants/{tenantId}/api-keys',
    path: () => `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`,
    scope: 'keys:manage',
    otherTenant: 'not-found',
    ok: 200,
  },
  // Runs last among the key routes: it revokes the fixture's own throw-away key.
  {
    method: 'DELETE',
    spec: '/api/v1/tenants/{tenantId}/api-keys/{keyId}',
    path: (f) => `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys/${f.ownKeyId}`,
    scope: 'keys:manage',
    otherTenant: 'not-found',
    ok: 204,
  },
  {
    method: 'DELETE',
    spec: '/api/v1/jobs/{id}',
    path: (f) => `/api/v1/jobs/${f.jobId}`,
    scope: 'jobs:write',
    otherTenant: 'not-found',
    ok: 204,
  },
  {
    method: 'DELETE',
    spec: '/api/v1/tenants/{id}',
    path: (f) => `/api/v1/tenants/${f.emptyTenantId}`,
    scope: 'admin',
    otherTenant: 'forbidden',
    ok: 204,
  },
];

describe('every route authenticates, checks its scope and hides other tenants', () => {
  let api: TestApp;
  let fixture: Fixture;
  /** Per scope: a default-tenant key holding every scope except that one (and admin). */
  const withoutScope = new Map<Scope, string>();
  let otherTenantKey: string;
  let revokedKey: string;
  let expiredKey: string;

  async function createKey(
    tenantId: string,
    scopes: readonly string[],
  ): Promise<{ id: string; key: string }> {
    const response = await api.request('POST', `/api/v1/tenants/${tenantId}/api-keys`, { scopes });
    expect(response.status).toBe(201);
    return { id: response.body.id as string, key: response.body.key as string };
  }

  beforeAll(async () => {
    api = await startTestApp();
    const created = await api.request('POST', '/api/v1/jobs', job);
    expect(created.status).toBe(201);
    const jobId = created.body.id as string;
    const dataSource = api.app.get(DataSource);
    const [failed] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO executions (job_id, scheduled_at, status, attempts, finished_at, error)
       VALUES ($1, '2026-01-01T00:00:00Z', 'FAILED', 1, now(), 'HTTP 400') RETURNING id`,
      [jobId],
    );
    const tenant = await api.request('POST', '/api/v1/tenants', { name: 'other-tenant' });
    expect(tenant.status).toBe(201);
    const otherTenantId = tenant.body.id as string;
    const empty = await api.request('POST', '/api/v1/tenants', { name: 'empty-tenant' });
    expect(empty.status).toBe(201);
    const ownKey = await createKey(DEFAULT_TENANT_ID, ['jobs:read']);
    fixture = {
      jobId,
      failedExecutionId: failed!.id,
      otherTenantId,
      emptyTenantId: empty.body.id as string,
      ownKeyId: ownKey.id,
    };

    const nonAdmin = SCOPES.filter((scope) => scope !== 'admin');
    for (const scope of SCOPES) {
      const key = await createKey(
        DEFAULT_TENANT_ID,
        nonAdmin.filter((s) => s !== scope),
      );
      withoutScope.set(scope, key.key);
    }
    otherTenantKey = (await createKey(otherTenantId, nonAdmin)).key;
    const revoked = await createKey(DEFAULT_TENANT_ID, nonAdmin);
    expect(
      (await api.request('DELETE', `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys/${revoked.id}`))
        .status,
    ).toBe(204);
    revokedKey = revoked.key;
    const expired = await createKey(DEFAULT_TENANT_ID, nonAdmin);
    await dataSource.query(
      `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [expired.id],
    );
    expiredKey = expired.key;
  });

  afterAll(async () => {
    await api.close();
  });

  it('has a row for every /api/v1 operation of the OpenAPI document', async () => {
    const spec = await api.request('GET', '/docs-json');
    const operations = Object.entries(spec.body.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.startsWith('/api/v1'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const covered = ROUTES.map((route) => `${route.method} ${route.spec}`);
    expect([...covered].sort()).toEqual([...operations].sort());
  });

  describe.each(ROUTES)('$method $spec', (route) => {
    /** `undefined` sends the bootstrap admin key, `null` no key at all. */
    const send = (
      apiKey: string | null | undefined,
      extra: Record<string, string> = {},
    ): Promise<TestResponse> =>
      api.request(route.method, route.path(fixture), route.body?.(fixture), {
        apiKey,
        headers: extra,
      });

    it('refuses a missing, malformed, unknown, revoked or expired key with one and the same 401', async () => {
      const unknownKey = `jsk_${'A'.repeat(43)}`;
      const answers = [
        await send(null),
        await send(null, { authorization: 'Basic dXNlcjpwYXNz' }),
        await send('not-a-key'),
        await send(unknownKey),
        await send(revokedKey),
        await send(expiredKey),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual(answers[0]!.body);
      }
      expect(answers[0]!.body.message).toMatch(/Authorization: Bearer/);
    });

    it('refuses a key without the route scope with a 403 naming it', async () => {
      const response = await send(withoutScope.get(route.scope));
      expect(response.status).toBe(403);
      expect(response.body.message).toContain(route.scope);
    });

    it("answers another tenant's key as if the object did not exist", async () => {
      const response = await send(otherTenantKey);
      switch (route.otherTenant) {
        case 'not-found':
          expect(response.status).toBe(404);
          break;
        case 'forbidden':
          expect(response.status).toBe(403);
          break;
        case 'own-data':
          expect(response.status).toBe(route.ok);
          break;
        case 'excluded-from-list': {
          expect(response.status).toBe(200);
          const ids = (response.body.items as Array<{ id: string }>).map((item) => item.id);
          expect(ids).not.toContain(fixture.jobId);
          expect(ids).not.toContain(fixture.failedExecutionId);
          break;
        }
      }
    });

    it('serves the owner with the scope', async () => {
      // Only the bootstrap key holds `admin`; every other route is served to a plain key.
      const answer = await send(route.scope === 'admin' ? undefined : withoutScope.get('admin'));
      expect(answer.status).toBe(route.ok);
      if (route.otherTenant === 'excluded-from-list') {
        expect(answer.body.items.length).toBeGreaterThan(0);
      }
    });
  });
});
