import { afterEach, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { DataSource as TypeOrmDataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';
import { runMigrationsExclusively } from '../../src/database/migration-runner.js';
import { InitialSchema1763900000000 } from '../../migrations/1763900000000-InitialSchema.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';

describe('migrations', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function emptyDatabase() {
    const created = await createTestDatabase({ migrated: false });
    cleanups.push(created.drop);
    return created.database;
  }

  async function open(database: Awaited<ReturnType<typeof emptyDatabase>>): Promise<DataSource> {
    const dataSource = await openDataSource(database);
    cleanups.push(() => dataSource.destroy());
    return dataSource;
  }

  it('applies everything once and nothing the second time', async () => {
    const database = await emptyDatabase();
    const dataSource = await open(database);
    const first = await runMigrationsExclusively(dataSource);
    const second = await runMigrationsExclusively(dataSource);
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual([]);
    const tables = await dataSource.query<Array<{ table_name: string }>>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      'api_keys',
      'circuit_breakers',
      'execution_attempts',
      'execution_queue',
      'execution_queue_counters',
      'executions',
      'idempotency_keys',
      'job_audit_events',
      'jobs',
      'rate_limit_windows',
      'scheduler_leadership',
      'scheduler_lease',
      'tenant_execution_slots',
      'tenant_execution_starts',
      'tenants',
      'typeorm_migrations',
    ]);
    // What the entities cannot say (and the drift test cannot see): no WAL per API request.
    const unlogged = await dataSource.query<Array<{ relname: string }>>(
      "SELECT relname FROM pg_class WHERE relpersistence = 'u' AND relkind = 'r'",
    );
    expect(unlogged.map((row) => row.relname).sort()).toEqual([
      'circuit_breakers',
      'rate_limit_windows',
      'tenant_execution_slots',
      'tenant_execution_starts',
    ]);
  });

  it('is safe when 20 processes start at once', async () => {
    const database = await emptyDatabase();
    // Twenty independent connection pools, as twenty booting processes would have.
    const dataSources = await Promise.all(Array.from({ length: 20 }, () => open(database)));
    const applied = await Promise.all(dataSources.map((ds) => runMigrationsExclusively(ds)));
    const appliedCounts = applied.map((list) => list.length);
    expect(appliedCounts.filter((count) => count > 0)).toHaveLength(1);
    const [first] = dataSources;
    const rows = await first!.query<Array<{ count: string }>>(
      'SELECT count(*) AS count FROM typeorm_migrations',
    );
    expect(Number(rows[0]!.count)).toBe(Math.max(...appliedCounts));
    const leadership = await first!.query<Array<{ epoch: string }>>(
      'SELECT epoch FROM scheduler_leadership',
    );
    expect(leadership).toEqual([{ epoch: '0' }]);
    const lease = await first!.query<Array<{ holder: string | null }>>(
      'SELECT holder FROM scheduler_lease',
    );
    expect(lease).toEqual([{ holder: null }]);
  });

  it('reverts cleanly', async () => {
    const database = await emptyDatabase();
    const dataSource = await open(database);
    const applied = await runMigrationsExclusively(dataSource);
    for (let i = 0; i < applied.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query<Array<{ table_name: string }>>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'",
    );
    expect(tables).toEqual([]);
  });

  it('moves jobs that existed before tenants into the default tenant', async () => {
    const database = await emptyDatabase();
    const before = new TypeOrmDataSource(dataSourceOptions(database, [InitialSchema1763900000000]));
    await before.initialize();
    await runMigrationsExclusively(before);
    await before.query(
      `INSERT INTO jobs (name, cron_expression, http_url, http_headers, retry_policy, version)
       VALUES ('legacy', '* * * * * *', 'https://example.com/', '{}', '{}', 1)`,
    );
    await before.destroy();

    const after = await open(database);
    await runMigrationsExclusively(after);
    const jobs = await after.query<Array<{ name: string; tenant_id: string }>>(
      'SELECT name, tenant_id FROM jobs',
    );
    expect(jobs).toEqual([{ name: 'legacy', tenant_id: DEFAULT_TENANT_ID }]);
    const tenants = await after.query<Array<{ id: string; name: string }>>(
      'SELECT id, name FROM tenants',
    );
    expect(tenants).toEqual([{ id: DEFAULT_TENANT_ID, name: 'default' }]);
  });
});
