import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DEVELOPMENT_ENVIRONMENT } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { EncryptionKey, ENCRYPTION_KEY_BYTES } from '../config/encryption-key.js';
import { InvalidConfigurationError } from '../config/invalid-configuration.error.js';

/** The file, inside `DATA_DIR`, that keeps the generated development key. */
export const DEVELOPMENT_KEY_FILE = 'secrets-encryption.key';

/**
 * Fills in the encryption key of a development process started without
 * `SECRETS_ENCRYPTION_KEY`: the key kept in `DATA_DIR/secrets-encryption.key` (mode 0600),
 * generated on first use. Never the database: a dump must not carry the key of its own
 * ciphertexts. Every entry point calls this once, before the application starts; the
 * zero-setup command reuses it. Outside development `loadAppConfig` has already refused a
 * missing key, so there this returns the configuration unchanged.
 */
export async function withDevelopmentKey(
  config: AppConfig,
  warn: (message: string) => void,
): Promise<AppConfig> {
  if (config.secrets.key !== undefined || config.environment !== DEVELOPMENT_ENVIRONMENT) {
    return config;
  }
  const path = resolve(config.dataDir, DEVELOPMENT_KEY_FILE);
  const { key, created } = await readOrCreateKeyFile(path);
  warn(
    `SECRETS_ENCRYPTION_KEY is not set: with ENVIRONMENT=development job secrets are encrypted with the key ${created ? 'just generated in' : 'kept in'} ${path}. ` +
      'Losing that file makes them unreadable; in production set SECRETS_ENCRYPTION_KEY (openssl rand -base64 32).',
  );
  return { ...config, secrets: { ...config.secrets, key } };
}

async function readOrCreateKeyFile(
  path: string,
): Promise<{ key: EncryptionKey; created: boolean }> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const existing = await readKeyFile(path);
  if (existing !== undefined) return { key: existing, created: false };

  // Two processes (`npm run start:local` starts two) may both find no file. Each writes a
  // complete file of its own, then hard-links it into place: `link` fails if the name
  // exists, so exactly one wins and the other reads the winner's key, never a half-written one.
  const candidate = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(candidate, `${randomBytes(ENCRYPTION_KEY_BYTES).toString('base64')}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  let created = false;
  try {
    await link(candidate, path);
    created = true;
  } catch (error) {
    if (!isErrorCode(error, 'EEXIST')) throw error;
  } finally {
    await unlink(candidate);
  }
  const key = await readKeyFile(path);
  if (key === undefined) throw new Error(`${path} vanished while it was being created`);
  return { key, created };
}

async function readKeyFile(path: string): Promise<EncryptionKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  // Like ssh with a private key: a key others can read is no secret.
  if (((await stat(path)).mode & 0o077) !== 0) {
    throw new InvalidConfigurationError([
      `${path} (the development encryption key) must be readable by its owner only: chmod 600 it`,
    ]);
  }
  const key = EncryptionKey.fromBase64(text);
  if (key === undefined) {
    throw new InvalidConfigurationError([
      `${path} (the development encryption key) must hold the base64 of exactly 32 bytes`,
    ]);
  }
  return key;
}

/** Structural, not `instanceof Error`: under Jest's VM modules node's errors are another realm's. */
function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
