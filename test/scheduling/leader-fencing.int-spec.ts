import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { FencedOutError } from '../../src/scheduling/fenced-out.error.js';
import { LeadershipRepository } from '../../src/scheduling/leadership.repository.js';
import { ScheduleExpansionRepository } from '../../src/scheduling/schedule-expansion.repository.js';
import { ScheduleExpansionService } from '../../src/scheduling/schedule-expansion.service.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';

/**
 * Invariants 1 and 2 at the PostgreSQL level: two leaders (one of them paused and woken up
 * after being replaced) expanding the same job.
 */
describe('leader fencing and one row per occurrence', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let leadership: LeadershipRepository;
  let expansion: ScheduleExpansionService;
  let jobId: string;
  const options = { lookaheadMs: 10_000, batchSize: 100, misfireThresholdMs: 60_000 };

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    dataSource = await openDataSource(created.database);
    leadership = new LeadershipRepository(dataSource);
    expansion = new ScheduleExpansionService(
      leadership,
      new ScheduleExpansionRepository(dataSource),
    );
    const [job] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO jobs (tenant_id, name, cron_expression, http_url, http_headers, retry_policy, version, created_at)
       VALUES ($1, 'every-second', '* * * * * *', 'http://127.0.0.1:9/', '{}',
               '{"maxAttempts":3,"initialBackoffMs":1000,"maxBackoffMs":60000}', 1,
               '2026-01-01T00:00:00Z')
       RETURNING id`,
      [DEFAULT_TENANT_ID],
    );
    jobId = job!.id;
  });

  afterAll(async () => {
    await dataSource.destroy();
    await drop();
  });

  const count = async () =>
    Number(
      (
        await dataSource.query<Array<{ n: string }>>(
          'SELECT count(*) AS n FROM executions WHERE job_id = $1',
          [jobId],
        )
      )[0]!.n,
    );

  it('a replaced leader cannot write, and the new one creates each occurrence once', async () => {
    const now = new Date('2026-01-01T00:00:00.500Z');
    const oldEpoch = await leadership.takeEpoch('old-leader');
    const first = await expansion.expand(oldEpoch, now, options);
    expect(first.inserted).toBe(10);

    // The old leader pauses; a new one is elected and expands the same window again.
    const newEpoch = await leadership.takeEpoch('new-leader');
    expect(BigInt(newEpoch)).toBeGreaterThan(BigInt(oldEpoch));
    await dataSource.query('UPDATE jobs SET expanded_until = NULL WHERE id = $1', [jobId]);
    const second = await expansion.expand(newEpoch, now, options);
    expect(second.inserted).toBe(0); // ON CONFLICT: the same occurrences, not new rows
    expect(await count()).toBe(10);

    // The old leader wakes up and carries on as if it still led: nothing is written.
    await dataSource.query('UPDATE jobs SET expanded_until = NULL WHERE id = $1', [jobId]);
    const later = new Date('2026-01-01T00:00:30.500Z');
    await expect(expansion.expand(oldEpoch, later, options)).rejects.toThrow(FencedOutError);
    expect(await count()).toBe(10);
    const watermark = await dataSource.query<Array<{ expanded_until: Date | null }>>(
      'SELECT expanded_until FROM jobs WHERE id = $1',
      [jobId],
    );
    expect(watermark[0]!.expanded_until).toBeNull();

    // The current leader goes on from where PostgreSQL says.
    const third = await expansion.expand(newEpoch, later, options);
    expect(third.inserted).toBe(30);
    expect(await count()).toBe(40);
  });

  it('concurrent expansions by two leaders of the same epoch still create one row each', async () => {
    const epoch = await leadership.currentEpoch();
    const now = new Date('2026-01-01T00:01:00.500Z');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => expansion.expand(epoch, now, options)),
    );
    const inserted = results.reduce((sum, r) => sum + r.inserted, 0);
    const rows = await dataSource.query<Array<{ n: string; distinct_n: string }>>(
      `SELECT count(*) AS n, count(DISTINCT scheduled_at) AS distinct_n
       FROM executions WHERE job_id = $1`,
      [jobId],
    );
    expect(rows[0]!.n).toBe(rows[0]!.distinct_n);
    expect(inserted).toBe(Number(rows[0]!.n) - 40);
  });
});
