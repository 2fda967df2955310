/**
 * `npm run migration:run`: applies pending migrations and exits. Safe to run while the
 * service is starting elsewhere (advisory lock).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from './config/load-app-config.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { runMigrationsExclusively } from './database/migration-runner.js';

const config = loadAppConfig(process.env);
const dataSource = new DataSource(dataSourceOptions(config.database));
await dataSource.initialize();
try {
  const applied = await runMigrationsExclusively(dataSource);
  const names = applied.map((migration) => migration.name).join(', ');
  process.stdout.write(`${applied.length} migration(s) applied${names ? `: ${names}` : ''}\n`);
} finally {
  await dataSource.destroy();
}
