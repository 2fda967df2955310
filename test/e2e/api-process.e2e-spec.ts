import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { runMigrationsExclusively } from '../../src/database/migration-runner.js';
import { loadMigrationClasses } from '../support/migrations.js';
import { adminDatabaseConfig } from '../support/postgres-admin.js';
import { freePort, startServiceProcess } from '../support/service-process.js';
import type { ServiceProcess } from '../support/service-process.js';
import { jsonRequest, TEST_ADMIN_API_KEY } from '../support/test-app.js';
import { createTestDatabase, uniqueName } from '../support/test-database.js';
import { TEST_ENCRYPTION_KEY, testJobSecretsCipher } from '../support/test-secrets.js';

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
    SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
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

  it('refuses to start without SECRETS_ENCRYPTION_KEY outside development', async () => {
    for (const script of ['dist/main.js', 'dist/worker.js', 'dist/migrate.js']) {
      const service = startServiceProcess(script, {});
      expect((await service.exited).code).toBe(78);
      expect(service.output()).toContain('SECRETS_ENCRYPTION_KEY is required');
    }
  });

  it('names a malformed key without echoing it', async () => {
    const malformed = Buffer.alloc(31, 0x5a).toString('base64');
    const service = startServiceProcess('dist/main.js', {
      SECRETS_ENCRYPTION_KEY: malformed,
      SECRETS_ENCRYPTION_KEY_PREVIOUS: 'not-a-key',
    });
    expect((await service.exited).code).toBe(78);
    expect(service.output()).toContain('SECRETS_ENCRYPTION_KEY must be the base64 of exactly 32');
    expect(service.output()).toContain('SECRETS_ENCRYPTION_KEY_PREVIOUS must be the base64');
    expect(service.output()).not.toContain(malformed);
    expect(service.output()).not.toContain('not-a-key');
  });
});

describe('ENVIRONMENT=development without SECRETS_ENCRYPTION_KEY', () => {
  it('starts with a generated key kept in DATA_DIR (0600, never in the database) and warns', async () => {
    const created = await createTestDatabase({ migrated: false });
    const dataDir = await mkdtemp(join(tmpdir(), 'jobsched-data-'));
    const port = await freePort();
    const env = serviceEnv(created.database.name, port);
    delete env.SECRETS_ENCRYPTION_KEY;
    const service = startServiceProcess('dist/main.js', {
      ...env,
      ENVIRONMENT: 'development',
      DATA_DIR: dataDir,
    });
    try {
      await service.waitForOutput(/Listening on http/);
      const keyFile = join(dataDir, 'secrets-encryption.key');
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      const key = (await readFile(keyFile, 'utf8')).trim();
      expect(Buffer.from(key, 'base64')).toHaveLength(32);
      const warning = service
        .output()
        .split('\n')
        .find((line) => line.includes(keyFile));
      expect(warning).toMatch(/"level":"warn".*SECRETS_ENCRYPTION_KEY is not set/);
      expect(service.output()).not.toContain(key);

      const job = await jsonRequest(`http://127.0.0.1:${port}`, 'POST', '/api/v1/jobs', {
        name: 'dev',
        cronExpression: '0 0 * * * *',
        httpUrl: 'https://example.com/?key=k',
      });
      expect(job.status).toBe(201);
      const dataSource = await new DataSource(dataSourceOptions(created.database)).initialize();
      try {
        const [row] = await dataSource.query<Array<{ sealed: string; dump: string }>>(
          `SELECT http_target_sealed AS sealed,
                  (SELECT string_agg(t::text, ' ') FROM (SELECT * FROM jobs) AS t) AS dump
           FROM jobs`,
        );
        expect(row!.dump).not.toContain(key);
        expect(testJobSecretsCipher(key).openTarget(job.body.id, row!.sealed).url).toBe(
          'https://example.com/?key=k',
        );
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await service.stop('SIGKILL');
      await created.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('first start of this release on a database with plain-text jobs', () => {
  it('applies the migration, then encrypts those jobs before serving them', async () => {
    const created = await createTestDatabase({ migrated: false });
    const [initialSchema] = await loadMigrationClasses();
    const old = await new DataSource(
      dataSourceOptions(created.database, [initialSchema!]),
    ).initialize();
    const port = await freePort();
    let service: ServiceProcess | undefined;
    try {
      await runMigrationsExclusively(old);
      const [inserted] = await old.query<Array<{ id: string }>>(
        `INSERT INTO jobs (name, cron_expression, http_url, http_headers, retry_policy, version)
         VALUES ('old', '0 0 * * * *', 'https://u:pw-old@example.com/?key=key-old', $1::jsonb,
                 '{"maxAttempts": 3, "initialBackoffMs": 1000, "maxBackoffMs": 60000}', 1)
         RETURNING id`,
        [JSON.stringify({ Authorization: 'Bearer token-old' })],
      );
      const id = inserted!.id;
      service = startServiceProcess('dist/main.js', serviceEnv(created.database.name, port));
      await service.waitForOutput(/Listening on http/);
      const output = service.output();
      expect(output).toMatch(
        /Applied migrations: EncryptedJobSecrets[\s\S]*Encrypted the secrets of 1 job\(s\) at rest/,
      );

      const [row] = await old.query<Array<{ text: string; sealed: string }>>(
        'SELECT to_jsonb(j)::text AS text, http_target_sealed AS sealed FROM jobs j',
      );
      for (const secret of ['pw-old', 'key-old', 'token-old']) {
        expect(row!.text).not.toContain(secret);
        expect(output).not.toContain(secret);
      }
      expect(testJobSecretsCipher().openTarget(id, row!.sealed)).toEqual({
        url: 'https://u:pw-old@example.com/?key=key-old',
        headers: { Authorization: 'Bearer token-old' },
      });
      const read = await jsonRequest(`http://127.0.0.1:${port}`, 'GET', `/api/v1/jobs/${id}`);
      expect(read.body.httpUrl).toBe('https://[REDACTED]@example.com/?key=[REDACTED]');
    } finally {
      await service?.stop('SIGKILL');
      await old.destroy();
      await created.drop();
    }
  });
});
