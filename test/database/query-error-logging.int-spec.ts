import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { JobEntity } from '../../src/database/entities/job.entity.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';

/** Collects what would be printed, at every level. */
class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];

  protected override printMessages(messages: unknown[], context = '', logLevel = 'log'): void {
    for (const message of messages) this.lines.push(`${logLevel} [${context}] ${String(message)}`);
  }
}

/**
 * TypeORM's own loggers print a failed statement with every parameter: a failed job INSERT
 * put the URL, the headers and the body in the log. The data source the service builds
 * (`dataSourceOptions`) must log the failure without them.
 */
describe('a failed statement is logged without its parameters', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  const capture = new CapturingLogger();

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    dataSource = await openDataSource(created.database);
    Logger.overrideLogger(capture);
  });

  afterEach(() => {
    capture.lines.length = 0;
  });

  afterAll(async () => {
    Logger.overrideLogger(new ConsoleLogger());
    await dataSource.destroy();
    await drop();
  });

  it('says which statement failed and why, and prints no parameter', async () => {
    const canary = `canary${randomBytes(8).toString('hex')}`;
    const jobs = dataSource.getRepository(JobEntity);
    const insert = jobs.save(
      jobs.create({
        name: 'x'.repeat(201), // longer than varchar(200): the INSERT fails in PostgreSQL
        cronExpression: '0 0 * * * *',
        httpUrl: `https://user:${canary}@example.com/?key=${canary}`,
        httpHeaders: { Authorization: `Bearer ${canary}` },
        httpBody: { secret: canary },
        retryPolicy: { maxAttempts: 1, initialBackoffMs: 100, maxBackoffMs: 100 },
      }),
    );
    await expect(insert).rejects.toThrow(/value too long/);

    // Exactly one line, through Nest's logger: TypeORM's own console loggers would print
    // elsewhere (and with every parameter), so with them this fails.
    expect(capture.lines).toEqual([
      expect.stringMatching(
        /^error \[TypeORM\] Query failed: value too long .* \(SQLSTATE 22001\) -- INSERT INTO "jobs"/,
      ),
    ]);
    expect(capture.lines.join('\n')).not.toContain(canary);
  });
});
