import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { readOrCreateSecretFile } from '../config/development-secret-file.js';

/** Inside `DATA_DIR`: the embedded cluster, its log and its superuser's password (0600). */
export const EMBEDDED_DATABASE_DIRECTORY = 'postgres';
export const EMBEDDED_DATABASE_LOG = 'postgres.log';
export const EMBEDDED_DATABASE_PASSWORD_FILE = 'postgres-password';

/**
 * The password of the embedded PostgreSQL's superuser, generated on first use and kept beside
 * the development keys (mode 0600): the server listens on loopback only, but other accounts of
 * the same machine reach loopback too, so it is not left open (trust) or guessable.
 */
export async function embeddedDatabasePassword(dataDir: string): Promise<string> {
  const { value } = await readOrCreateSecretFile(
    resolve(dataDir, EMBEDDED_DATABASE_PASSWORD_FILE),
    'the embedded PostgreSQL password',
    () => randomBytes(24).toString('base64url'),
    (text) => (text.length >= 16 ? text : undefined),
    'a password of at least 16 characters',
  );
  return value;
}

/**
 * Fills in the password of a process configured with `DB_EMBEDDED=true`. The server itself
 * is started by `npm run dev` (scripts/dev.mjs), once for all its processes; a process that
 * finds it not running fails to connect, loudly, like one given any unreachable database.
 */
export async function withEmbeddedDatabase(config: AppConfig): Promise<AppConfig> {
  if (!config.database.embedded) return config;
  const password = await embeddedDatabasePassword(config.dataDir);
  return { ...config, database: { ...config.database, password } };
}
