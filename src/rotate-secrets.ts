/**
 * `npm run secrets:rotate`: after `SECRETS_ENCRYPTION_KEY` was replaced (the old key moved
 * to `SECRETS_ENCRYPTION_KEY_PREVIOUS`), re-encrypts every stored secret with the current
 * key. Idempotent, batched, and safe while the services run (docs/security.md). Exits 1 if
 * some value is sealed with a key it was not given, so that the previous key is not dropped
 * while something still needs it.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { exitOnInvalidConfiguration } from './config/invalid-configuration.error.js';
import { loadAppConfig } from './config/load-app-config.js';
import { withEmbeddedDatabase } from './database/embedded-database.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { withMigrationLock } from './database/migration-runner.js';
import { withDevelopmentKey } from './secrets/development-key.js';
import {
  createPlaintextJobEncryption,
  createSecretsRotation,
} from './secrets/standalone-secrets.factory.js';

try {
  const config = await withDevelopmentKey(
    await withEmbeddedDatabase(loadAppConfig(process.env)),
    (message) => process.stderr.write(`${message}\n`),
  );
  const dataSource = new DataSource(dataSourceOptions(config.database));
  await dataSource.initialize();
  try {
    // Rows still in plain text (a process of this version never started on this database).
    const { encrypted } = await withMigrationLock(dataSource, () =>
      createPlaintextJobEncryption(config, dataSource).encryptRemaining(),
    );
    const { resealed, unreadable, remaining } = await createSecretsRotation(
      config,
      dataSource,
    ).rotate();
    process.stdout.write(
      `${resealed} secret(s) re-encrypted with the current key, ${encrypted} plain-text job(s) encrypted, ${remaining} left\n`,
    );
    if (unreadable > 0) {
      process.stderr.write(
        `${unreadable} secret(s) are sealed with a key that is neither SECRETS_ENCRYPTION_KEY nor SECRETS_ENCRYPTION_KEY_PREVIOUS: keep the key that sealed them\n`,
      );
    }
    process.exitCode = remaining > 0 ? 1 : 0;
  } finally {
    await dataSource.destroy();
  }
} catch (error) {
  exitOnInvalidConfiguration(error);
}
