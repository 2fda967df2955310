// Migrates one template database per test run; each test file copies it
// (`CREATE DATABASE ... TEMPLATE`). Plain JavaScript on the compiled service (`npm test`
// builds first): Jest loads global setup outside its module system. Every project of the
// Jest config calls this; the first call does the work.
//
// On a machine without PostgreSQL (none on 127.0.0.1:5432 and no DB_* or DATABASE_URL set),
// or with DB_EMBEDDED=true, the run starts an embedded PostgreSQL of its own (the zero-setup
// mode's) and global teardown stops it. A PostgreSQL the environment names explicitly is never
// replaced: unreachable, the run fails. Redis is not optional: without one the run fails
// saying how to get one, rather than skip the Redis tier silently.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../../dist/config/load-app-config.js';
import { dataSourceOptions } from '../../dist/database/data-source-options.js';
import { runMigrationsExclusively } from '../../dist/database/migration-runner.js';

export const TEMPLATE_ENV = 'JOBSCHED_TEST_TEMPLATE_DB';
export const RUN_ENV = 'JOBSCHED_TEST_RUN';

/** Only the database settings matter here; a throw-away key just satisfies validation. */
const VALIDATION_ONLY_KEY = Buffer.alloc(32).toString('base64');

export function adminDatabaseConfig() {
  const database = loadAppConfig({
    ...process.env,
    SECRETS_ENCRYPTION_KEY: VALIDATION_ONLY_KEY,
  }).database;
  const named = process.env.DATABASE_URL !== undefined || process.env.DB_NAME !== undefined;
  return { ...database, name: named ? database.name : 'postgres' };
}

export async function adminQuery(sql, parameters = []) {
  const database = adminDatabaseConfig();
  const client = new pg.Client({
    host: database.host,
    port: database.port,
    user: database.user,
    password: database.password,
    database: database.name,
  });
  await client.connect();
  try {
    return await client.query(sql, parameters);
  } finally {
    await client.end();
  }
}

/** Where global teardown finds the embedded server: Jest loads setup and teardown separately. */
const EMBEDDED_SERVER = Symbol.for('job-scheduler.test-embedded-postgres');

/** Variables that name a PostgreSQL: any of them set means "use that one, or fail". */
const DATABASE_VARIABLES = ['DATABASE_URL', 'DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD'];

export default async function globalSetup() {
  if (process.env[TEMPLATE_ENV]) return;
  await requireRedis();
  await useEmbeddedPostgresIfNoneReachable();
  const run = randomBytes(4).toString('hex');
  const name = `jobsched_tpl_${run}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const dataSource = new DataSource(dataSourceOptions({ ...adminDatabaseConfig(), name }));
  await dataSource.initialize();
  try {
    await runMigrationsExclusively(dataSource);
    const [{ count }] = await dataSource.query(
      'SELECT count(*)::int AS count FROM typeorm_migrations',
    );
    if (count === 0)
      throw new Error('no compiled migrations in dist/migrations: run `npm run build`');
  } finally {
    await dataSource.destroy();
  }
  process.env[RUN_ENV] = run;
  process.env[TEMPLATE_ENV] = name;
}

async function useEmbeddedPostgresIfNoneReachable() {
  const explicit = ['true', '1', 'yes'].includes((process.env.DB_EMBEDDED ?? '').toLowerCase());
  if (!explicit) {
    if (DATABASE_VARIABLES.some((name) => (process.env[name] ?? '').trim() !== '')) return;
    try {
      await adminQuery('SELECT 1');
      return; // the usual case: the machine's PostgreSQL, used as before
    } catch (error) {
      if (error?.code !== 'ECONNREFUSED') throw error;
    }
  }
  const { EmbeddedPostgresServer } =
    await import('../../dist/database/embedded-postgres.server.js');
  // Owned by root under CI: the server's unprivileged account must pass through (0711).
  const root = await mkdtemp(join(tmpdir(), 'jobsched-test-pg-'));
  await chmod(root, 0o711);
  const password = randomBytes(18).toString('base64url');
  const port = await freeLoopbackPort();
  let server;
  try {
    server = await EmbeddedPostgresServer.start({
      directory: join(root, 'postgres'),
      logFile: join(root, 'postgres.log'),
      port,
      user: 'postgres',
      password,
      database: 'postgres',
      searchPath: process.env.PATH ?? '',
    });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  globalThis[EMBEDDED_SERVER] = { server, root };
  delete process.env.DB_EMBEDDED;
  Object.assign(process.env, {
    DB_HOST: '127.0.0.1',
    DB_PORT: String(port),
    DB_USER: 'postgres',
    DB_PASSWORD: password,
  });
  process.stdout.write(
    `\n${explicit ? 'DB_EMBEDDED=true' : 'no PostgreSQL on 127.0.0.1:5432 and no DB_* or DATABASE_URL set'}: ` +
      `this test run uses an embedded PostgreSQL on 127.0.0.1:${port} (${root}), stopped at the end\n`,
  );
}

/** Stops the embedded server of this run, if global setup started one. */
export async function stopEmbeddedPostgres() {
  const embedded = globalThis[EMBEDDED_SERVER];
  if (embedded === undefined) return;
  delete globalThis[EMBEDDED_SERVER];
  await embedded.server.stop();
  await rm(embedded.root, { recursive: true, force: true });
}

async function requireRedis() {
  const url = process.env.REDIS_URL;
  const where = url
    ? 'REDIS_URL'
    : `${process.env.REDIS_HOST || '127.0.0.1'}:${process.env.REDIS_PORT || '6379'}`;
  const redis = url
    ? new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    : new Redis({
        host: process.env.REDIS_HOST || '127.0.0.1',
        port: Number(process.env.REDIS_PORT || 6379),
        password: process.env.REDIS_PASSWORD || undefined,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
  redis.on('error', () => undefined); // the rejected connect() below reports it
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${where} (${error?.code ?? error?.message}): the integration and ` +
        'end-to-end tests of the Redis backend need one, and are never skipped. Start one: ' +
        '`docker compose -f docker-compose.dev.yml up -d redis`, or install it (`apt-get install ' +
        'redis-server`, `brew install redis`) and run `redis-server`; REDIS_HOST/REDIS_PORT or ' +
        'REDIS_URL name another. Unit tests alone need nothing: `npm run test:unit`.',
    );
  } finally {
    redis.disconnect();
  }
}

async function freeLoopbackPort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
