import { fileURLToPath } from 'node:url';
import type { DataSourceOptions, MixedList } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';
import { TypeOrmQueryLogger } from './typeorm-query.logger.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type MigrationList = MixedList<Function | string>;

/** Compiled migrations sit beside the compiled service: `dist/migrations/*.js`. */
export const COMPILED_MIGRATIONS: MigrationList = [
  fileURLToPath(new URL('../migrations/*.js', import.meta.url)),
];

export function dataSourceOptions(
  database: AppConfig['database'],
  migrations: MigrationList = COMPILED_MIGRATIONS,
): DataSourceOptions {
  return {
    type: 'postgres',
    host: database.host,
    port: database.port,
    username: database.user,
    password: database.password,
    database: database.name,
    ssl:
      database.sslMode === 'disable'
        ? false
        : { rejectUnauthorized: database.sslMode === 'verify-full' },
    entities: [...ENTITIES],
    migrations,
    migrationsTableName: 'typeorm_migrations',
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // Schema changes only ever come from migrations (see docs/database-setup.md).
    synchronize: false,
    migrationsRun: false,
    extra: { max: database.poolSize, application_name: 'job-scheduler' },
    logging: ['error'],
    // Never TypeORM's own loggers: they print every parameter of a failed statement.
    logger: new TypeOrmQueryLogger(),
  };
}
