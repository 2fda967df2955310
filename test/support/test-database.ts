import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { loadMigrationClasses } from './migrations.js';
import { adminDatabaseConfig, quoteIdentifier, withAdminClient } from './postgres-admin.js';

export const TEMPLATE_ENV = 'JOBSCHED_TEST_TEMPLATE_DB';
export const RUN_ENV = 'JOBSCHED_TEST_RUN';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/**
 * A database of its own for one test file, copied from the template that global setup
 * migrated once (`CREATE DATABASE ... TEMPLATE` takes ~100 ms instead of re-migrating).
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<{
  database: AppConfig['database'];
  drop: () => Promise<void>;
}> {
  const name = uniqueName(`jobsched_t_${process.env[RUN_ENV] ?? 'adhoc'}`);
  const template = options.migrated === false ? 'template0' : process.env[TEMPLATE_ENV];
  if (!template)
    throw new Error(`${TEMPLATE_ENV} is not set: run tests through jest's global setup`);
  await withAdminClient((client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`),
  );
  return {
    database: { ...adminDatabaseConfig(), name, migrateOnBoot: false, poolSize: 5 },
    drop: () => dropDatabase(name),
  };
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdminClient((client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
  );
}

/** A data source on a test database, migrations given as the TypeScript classes. */
export async function openDataSource(database: AppConfig['database']): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(database, await loadMigrationClasses()));
  return dataSource.initialize();
}
