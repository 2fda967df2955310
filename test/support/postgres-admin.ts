import pg from 'pg';
import { loadAppConfig } from '../../src/config/load-app-config.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { TEST_ENCRYPTION_KEY } from './test-secrets.js';

/**
 * Tests create their own databases. They connect as the configured user to DB_NAME when the
 * environment names one (CI creates a throw-away database) and to `postgres` otherwise.
 */
export function adminDatabaseConfig(): AppConfig['database'] {
  // Only the database settings matter here; the key just satisfies validation.
  const database = loadAppConfig({
    ...process.env,
    SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  }).database;
  const named = process.env.DATABASE_URL !== undefined || process.env.DB_NAME !== undefined;
  return { ...database, name: named ? database.name : 'postgres' };
}

export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
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
    return await work(client);
  } finally {
    await client.end();
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
