import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DEVELOPMENT_ENVIRONMENT } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { readOrCreateSecretFile } from '../config/development-secret-file.js';
import { InvalidConfigurationError } from '../config/invalid-configuration.error.js';

/** The file, inside `DATA_DIR`, that keeps the generated development admin key. */
export const DEVELOPMENT_ADMIN_KEY_FILE = 'admin-api-key';

/**
 * The API process's `ADMIN_API_KEY`. Required outside development (a deployment must be
 * able to create tenants, and an unset key must not mean an open door): its absence stops
 * start-up naming it. In development a missing key is the one kept in
 * `DATA_DIR/admin-api-key` (mode 0600), generated on first use and printed, so that a first
 * try needs no setup and still cannot be used by anyone who merely reaches the port.
 * Workers never need it, so this is checked here, by the API entry point, not in
 * `loadAppConfig`.
 */
export async function withDevelopmentAdminKey(
  config: AppConfig,
  announce: (message: string) => void,
): Promise<AppConfig> {
  if (config.auth.adminApiKey !== undefined) return config;
  if (config.environment !== DEVELOPMENT_ENVIRONMENT) {
    throw new InvalidConfigurationError([
      'ADMIN_API_KEY is required: at least 32 characters (`openssl rand -base64 32`), the bootstrap key that creates tenants and API keys; only ENVIRONMENT=development may leave it unset',
    ]);
  }
  const path = resolve(config.dataDir, DEVELOPMENT_ADMIN_KEY_FILE);
  const { value, created } = await readOrCreateSecretFile(
    path,
    'the development admin API key',
    () => `jsk_admin_${randomBytes(32).toString('base64url')}`,
    (text) => (text.length >= 32 ? text : undefined),
    'a key of at least 32 characters',
  );
  announce(
    `ADMIN_API_KEY is not set: with ENVIRONMENT=development the admin key ${created ? 'just generated in' : 'kept in'} ${path} is used. ` +
      `Authorization: Bearer ${value}`,
  );
  return { ...config, auth: { ...config.auth, adminApiKey: value } };
}
