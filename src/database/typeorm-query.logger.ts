import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** Enough SQL to recognise the statement; a batch `INSERT ... SELECT unnest(...)` runs longer. */
const MAX_QUERY_CHARS = 500;

/**
 * TypeORM's own loggers print a failed statement with its whole parameter list: a failed job
 * INSERT put the URL, every header and the body in the log in plain text. This one never
 * receives parameters into a message at all (every method ignores them): it prints the
 * statement's text, which carries `$1`-style placeholders only, and the driver's message
 * with its SQLSTATE, but not PostgreSQL's `detail` (which quotes row values, e.g.
 * "Failing row contains (...)").
 */
export class TypeOrmQueryLogger implements TypeOrmLogger {
  constructor(private readonly logger = new Logger('TypeORM')) {}

  /**
   * TypeORM calls this for every statement whatever the `logging` option says (that option
   * only filters its own loggers); at thousands of statements per second it stays silent.
   */
  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.logger.error(`Query failed: ${describe(error)} -- ${shorten(query)}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${shorten(query)}`);
  }

  /*
   * Schema-build and migration-runner chatter stays silent, as with `logging: ['error']`
   * before: `DatabaseModule` and `npm run migration:run` say what was applied.
   */
  logSchemaBuild(): void {}

  logMigration(): void {}

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level !== 'warn') return;
    this.logger.warn(typeof message === 'string' ? message : 'TypeORM warning (not a string)');
  }
}

function describe(error: string | Error): string {
  if (typeof error === 'string') return error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} (SQLSTATE ${code})` : error.message;
}

function shorten(query: string): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_QUERY_CHARS ? `${oneLine.slice(0, MAX_QUERY_CHARS)}...` : oneLine;
}
