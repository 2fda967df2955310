// Migrates one template database per test run; each test file copies it
// (`CREATE DATABASE ... TEMPLATE`). Plain JavaScript on the compiled service (`npm test`
// builds first): Jest loads global setup outside its module system. Every project of the
// Jest config calls this; the first call does the work.
import { randomBytes } from 'node:crypto';
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

export default async function globalSetup() {
  if (process.env[TEMPLATE_ENV]) return;
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
