import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadAppConfig } from '../../src/config/load-app-config.js';
import { MIGRATIONS } from '../../src/database/database.module.js';
import { createHttpApp } from '../../src/http-app.js';
import { loadMigrationClasses } from './migrations.js';
import { createTestDatabase, uniqueName } from './test-database.js';
import { TEST_ENCRYPTION_KEY } from './test-secrets.js';

/**
 * The bootstrap admin key every test process is started with (`ADMIN_API_KEY`): the
 * `default` tenant, every scope. Requests send it unless a test says otherwise.
 */
export const TEST_ADMIN_API_KEY = 'test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz';

export interface RequestOptions {
  /** The bearer key to send; `null` sends no `Authorization` header. Default: the admin key. */
  apiKey?: string | null;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  baseUrl: string;
  /** `fetch` against the app, JSON in and out, as the admin key unless `options` says. */
  request: (
    method: string,
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ) => Promise<TestResponse>;
  close: () => Promise<void>;
}

export interface TestResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/**
 * The real HTTP app on a loopback port, on a database and Redis key prefix of its own.
 * `env` adds or overrides environment variables (validated like in production); the backend
 * is Redis unless it sets `QUEUE_BACKEND`, whatever the machine's environment names.
 * `sharedWith`: a second replica on the first one's database (it drops it, not this one).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { sharedWith?: TestApp } = {},
): Promise<TestApp> {
  const { database, drop } = options.sharedWith
    ? { database: options.sharedWith.config.database, drop: () => Promise.resolve() }
    : await createTestDatabase();
  const base = loadAppConfig({
    ...process.env,
    QUEUE_BACKEND: 'redis',
    SERVER_HOST: '127.0.0.1',
    SERVER_PORT: '0',
    LOG_LEVEL: 'error',
    REDIS_KEY_PREFIX: uniqueName('jobsched-test'),
    SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    // API tests are about the API: the scheduler runs only where a test asks for it.
    SCHEDULER_ENABLED: 'false',
    ADMIN_API_KEY: TEST_ADMIN_API_KEY,
    // Fixtures point jobs at loopback receivers (127.0.0.1:9), which the SSRF guard refuses
    // by default; tests of the guard itself pass 'false'.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...env,
  });
  const config: AppConfig = { ...base, database: { ...database, migrateOnBoot: false } };
  const app = await createHttpApp(config, {
    providers: [{ provide: MIGRATIONS, useValue: await loadMigrationClasses() }],
    swaggerUi: false,
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    baseUrl,
    request: (method, path, body, options) => jsonRequest(baseUrl, method, path, body, options),
    close: async () => {
      await app.close();
      await drop();
    },
  };
}

export async function jsonRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<TestResponse> {
  const apiKey = options.apiKey === undefined ? TEST_ADMIN_API_KEY : options.apiKey;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }),
      ...options.headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (e.g. the Prometheus text format); the raw text is the body.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
