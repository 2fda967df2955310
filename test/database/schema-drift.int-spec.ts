import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createTestDatabase, openDataSource } from '../support/test-database.js';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';

/**
 * The migrated schema must be exactly what the entities describe: if TypeORM would generate
 * any statement, an entity changed without a migration (or the other way round).
 */
describe('schema drift', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    dataSource = await openDataSource(created.database);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await drop();
  });

  it('entities and migrations describe the same schema', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('keeps one row per occurrence', async () => {
    const [job] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO jobs (tenant_id, name, cron_expression, http_url, http_headers, retry_policy, version)
       VALUES ($1, 'j', '* * * * * *', 'http://127.0.0.1/', '{}', '{}', 1) RETURNING id`,
      [DEFAULT_TENANT_ID],
    );
    const insert = () =>
      dataSource.query(
        `INSERT INTO executions (job_id, scheduled_at) VALUES ($1, '2026-01-01T00:00:00.000Z')`,
        [job!.id],
      );
    await insert();
    await expect(insert()).rejects.toThrow(/executions_job_scheduled_at_key/);
  });
});
