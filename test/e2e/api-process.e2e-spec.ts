import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminDatabaseConfig } from '../support/postgres-admin.js';
import { freePort, startServiceProcess } from '../support/service-process.js';
import type { ServiceProcess } from '../support/service-process.js';
import { jsonRequest, TEST_ADMIN_API_KEY } from '../support/test-app.js';
import { createTestDatabase, uniqueName } from '../support/test-database.js';

function serviceEnv(databaseName: string, port: number): Record<string, string> {
  const admin = adminDatabaseConfig();
  return {
    DB_HOST: admin.host,
    DB_PORT: String(admin.port),
    DB_USER: admin.user,
    DB_PASSWORD: admin.password,
    DB_NAME: databaseName,
    REDIS_HOST: process.env.REDIS_HOST ?? '127.0.0.1',
    REDIS_PORT: process.env.REDIS_PORT ?? '6379',
    REDIS_KEY_PREFIX: uniqueName('jobsched-e2e'),
    SERVER_HOST: '127.0.0.1',
    SERVER_PORT: String(port),
    LOG_FORMAT: 'json',
    ADMIN_API_KEY: TEST_ADMIN_API_KEY,
    // The jobs below point at 127.0.0.1:9, which the SSRF guard refuses by default.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  };
}

describe('node dist/main.js', () => {
  let service: ServiceProcess;
  let baseUrl: string;
  let drop: () => Promise<void>;
  let port: number;

  beforeAll(async () => {
    // An empty database: the process applies the migrations itself at boot.
    const created = await createTestDatabase({ migrated: false });
    drop = created.drop;
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    service = startServiceProcess('dist/main.js', serviceEnv(created.database.name, port));
    await service.waitForOutput(/Listening on http/);
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await drop?.();
  });

  it('migrates an empty database at boot and reports itself healthy', async () => {
    expect(service.output()).toMatch(/Applied migrations: InitialSchema/);
    const health = await jsonRequest(baseUrl, 'GET', '/health');
    expect(health.status).toBe(200);
  });

  it('says where it listens, as bound', () => {
    // The whole message (LOG_FORMAT=json): the address it bound, nothing after it.
    expect(service.output()).toContain(`"Listening on http://127.0.0.1:${port}"`);
  });

  it('logs one JSON object per line with LOG_FORMAT=json', () => {
    const lines = service.output().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('serves the API, the OpenAPI document and the Swagger UI', async () => {
    const created = await jsonRequest(baseUrl, 'POST', '/api/v1/jobs', {
      name: 'from-e2e',
      cronExpression: '*/10 * * * * *',
      httpUrl: 'http://127.0.0.1:9/hook',
    });
    expect(created.status).toBe(201);
    const schedule = await jsonRequest(baseUrl, 'GET', `/api/v1/jobs/${created.body.id}/schedule`);
    expect(schedule.body.nextRuns).toHaveLength(10);
    const spec = await jsonRequest(baseUrl, 'GET', '/docs-json');
    expect(spec.body.paths).toHaveProperty(['/api/v1/jobs/{id}/schedule']);
    const ui = await fetch(`${baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it.each(['/docs', '/docs/', '/docs/index.html', '/docs/?deepLinking=true'])(
    'serves a Swagger UI page at %s whose scripts and styles all load',
    async (path) => {
      const page = await fetch(`${baseUrl}${path}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      // The browser resolves the page's relative asset URLs against the address it ended on.
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(
        ([, url]) => new URL(url!, page.url).href,
      );
      expect(assets.some((url) => url.endsWith('/swagger-ui-init.js'))).toBe(true);
      for (const url of assets) {
        const asset = await fetch(url);
        expect([url, asset.status]).toEqual([url, 200]);
        if (url.endsWith('/swagger-ui-init.js'))
          expect(await asset.text()).toContain('/api/v1/jobs');
        else await asset.arrayBuffer();
      }
    },
  );

  it('does not leak secrets into its logs', async () => {
    await jsonRequest(baseUrl, 'POST', '/api/v1/jobs', {
      name: 'secret',
      cronExpression: '0 0 * * * *',
      httpUrl: 'https://user:pa55word@127.0.0.1:9/hook',
      httpHeaders: { Authorization: 'Bearer t0ken-value' },
    });
    expect(service.output()).not.toMatch(/pa55word|t0ken-value/);
  });

  it('exits cleanly on SIGTERM', async () => {
    const { code } = await service.stop('SIGTERM');
    expect(code).toBe(0);
    expect(service.output()).toMatch(/SIGTERM received[\s\S]*Shutdown complete/);
  });
});

describe('node dist/main.js with bad configuration', () => {
  it('refuses to start and names every bad variable', async () => {
    const service = startServiceProcess('dist/main.js', {
      SERVER_PORT: 'eighty',
      LOG_FORMAT: 'xml',
      WORKER_HTTP_TIMEOUT: '-1',
      DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:1/x',
      DB_SSLMODE: 'maybe',
    });
    const { code } = await service.exited;
    expect(code).toBe(78);
    for (const name of ['SERVER_PORT', 'LOG_FORMAT', 'WORKER_HTTP_TIMEOUT', 'DB_SSLMODE']) {
      expect(service.output()).toContain(name);
    }
    expect(service.output()).not.toContain('hunter2');
  });
});
