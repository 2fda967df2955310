// Drops this run's template and any test database a crashed test file left behind, then
// stops the embedded PostgreSQL global setup started, if it did.
import { adminQuery, RUN_ENV, stopEmbeddedPostgres, TEMPLATE_ENV } from './global-setup.mjs';

export default async function globalTeardown() {
  try {
    await dropRunDatabases();
  } finally {
    await stopEmbeddedPostgres();
  }
}

async function dropRunDatabases() {
  const template = process.env[TEMPLATE_ENV];
  const run = process.env[RUN_ENV];
  if (!template || !run) return;
  delete process.env[TEMPLATE_ENV];
  const leftovers = await adminQuery('SELECT datname FROM pg_database WHERE datname LIKE $1', [
    `jobsched\\_t\\_${run}\\_%`,
  ]);
  for (const name of [template, ...leftovers.rows.map((row) => row.datname)]) {
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
