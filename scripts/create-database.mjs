// `npm run db:create`: creates the database the service is configured to use if it is
// missing. The configuration is read by the service's own rules (`loadAppConfig`: an empty
// variable is unset, DATABASE_URL wins over DB_*, a URL without a database name leaves it to
// DB_NAME, ...), from the compiled service, so run `npm run build` first. Connects to the
// server's `postgres` database with the same credentials and TLS mode.
import { existsSync } from 'node:fs';
import pg from 'pg';

const compiled = new URL('../dist/config/load-app-config.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error(
    'db:create reads the configuration like the service does: run `npm run build` first',
  );
  process.exit(1);
}
const { loadAppConfig } = await import(compiled.href);
const { InvalidConfigurationError } = await import('../dist/config/invalid-configuration.error.js');
const { dataSourceOptions } = await import('../dist/database/data-source-options.js');

let database;
try {
  // Creating a database touches no secret: SECRETS_ENCRYPTION_KEY is not needed for it.
  database = loadAppConfig(process.env, { secretsRequired: false }).database;
} catch (error) {
  if (!(error instanceof InvalidConfigurationError)) throw error;
  console.error(error.message);
  process.exit(78); // EX_CONFIG, as the services
}
const { name } = database;
const server = dataSourceOptions({ ...database, name: 'postgres' });
process.stdout.write(
  `database ${name} on ${server.host}:${server.port} (user ${server.username}): creating it if missing\n`,
);

const client = new pg.Client({
  host: server.host,
  port: server.port,
  user: server.username,
  password: server.password,
  database: server.database,
  ssl: server.ssl,
});
try {
  await client.connect();
} catch (error) {
  console.error(`cannot connect to PostgreSQL at ${server.host}:${server.port}: ${error.message}`);
  process.exit(1);
}
try {
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    process.stdout.write(`created database ${name}\n`);
  } else {
    process.stdout.write(`database ${name} exists\n`);
  }
} finally {
  await client.end();
}
