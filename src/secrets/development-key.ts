import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DEVELOPMENT_ENVIRONMENT } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { EncryptionKey, ENCRYPTION_KEY_BYTES } from '../config/encryption-key.js';
import { readOrCreateSecretFile } from '../config/development-secret-file.js';

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
  const { value, created } = await readOrCreateSecretFile(
    path,
    'the development encryption key',
    () => randomBytes(ENCRYPTION_KEY_BYTES).toString('base64'),
    (text) => EncryptionKey.fromBase64(text),
    'the base64 of exactly 32 bytes',
  );
  return { key: value, created };
}
