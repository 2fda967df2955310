import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { adminDatabaseConfig } from './postgres-admin.js';

/** What an operator's backup would hold: `pg_dump` of the database in plain SQL text. */
export async function plainTextDump(databaseName: string): Promise<string> {
  const admin = adminDatabaseConfig();
  const { stdout } = await promisify(execFile)(
    'pg_dump',
    [
      '--format=plain',
      '--no-password',
      '-h',
      admin.host,
      '-p',
      String(admin.port),
      '-U',
      admin.user,
      databaseName,
    ],
    { env: { ...process.env, PGPASSWORD: admin.password }, maxBuffer: 256 * 1024 * 1024 },
  );
  return stdout;
}
