/**
 * `npm run migration:run`: applies pending migrations, encrypts the job rows still in plain
 * text (what migration EncryptedJobSecrets cannot do without the key), and exits. Safe to
 * run while the service is starting elsewhere (advisory lock).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { exitOnInvalidConfiguration } from './config/invalid-configuration.error.js';
import { loadAppConfig } from './config/load-app-config.js';
import { withEmbeddedDatabase } from './database/embedded-database.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { runMigrationsExclusively, withMigrationLock } from './database/migration-runner.js';
import { withDevelopmentKey } from './secrets/development-key.js';
import { createPlaintextJobEncryption } from './secrets/standalone-secrets.factory.js';

try {
  const config = await withDevelopmentKey(
    await withEmbeddedDatabase(loadAppConfig(process.env)),
    (message) => process.stderr.write(`${message}\n`),
  );
  const dataSource = new DataSource(dataSourceOptions(config.database));
  await dataSource.initialize();
  try {
    const applied = await runMigrationsExclusively(dataSource);
    const names = applied.map((migration) => migration.name).join(', ');
    process.stdout.write(`${applied.length} migration(s) applied${names ? `: ${names}` : ''}\n`);
    const { encrypted, skipped } = await withMigrationLock(dataSource, () =>
      createPlaintextJobEncryption(config, dataSource).encryptRemaining(),
    );
    process.stdout.write(`${encrypted} job(s) encrypted at rest, ${skipped} changed meanwhile\n`);
  } finally {
    await dataSource.destroy();
  }
} catch (error) {
  exitOnInvalidConfiguration(error);
}
