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
  const writes: string[] = [];
  const realWrite = process.stdout.write.bind(process.stdout);
  const realErrorWrite = process.stderr.write.bind(process.stderr);

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    dataSource = await openDataSource(created.database);
    Logger.overrideLogger(capture);
    // Anything printed around Nest's logger (TypeORM's console loggers) is caught too.
    const tee =
      (write: typeof realWrite) =>
      (chunk: unknown, ...rest: unknown[]): boolean => {
        writes.push(String(chunk));
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      };
    process.stdout.write = tee(realWrite) as typeof process.stdout.write;
    process.stderr.write = tee(realErrorWrite) as typeof process.stderr.write;
  });

  afterEach(() => {
    capture.lines.length = 0;
    writes.length = 0;
  });

  afterAll(async () => {
    process.stdout.write = realWrite;
    process.stderr.write = realErrorWrite;
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

    const logged = [...capture.lines, ...writes].join('\n');
    expect(capture.lines).toEqual([
      expect.stringMatching(
        /^error \[TypeORM\] Query failed: value too long .* \(SQLSTATE 22001\) -- INSERT INTO "jobs"/,
      ),
    ]);
    expect(logged).not.toContain(canary);
  });
});
