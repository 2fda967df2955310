// `npm run db:create`: creates the database named by DB_NAME / DATABASE_URL if it is missing.
// Connects to the server's `postgres` database with the same credentials.
import pg from 'pg';

const url = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL) : undefined;
const name = url
  ? decodeURIComponent(url.pathname.slice(1))
  : (process.env.DB_NAME ?? 'job_scheduler');
const client = new pg.Client({
  host: url?.hostname ?? process.env.DB_HOST ?? '127.0.0.1',
  port: Number(url?.port || process.env.DB_PORT || 5432),
  user: url ? decodeURIComponent(url.username) : (process.env.DB_USER ?? 'postgres'),
  password: url ? decodeURIComponent(url.password) : (process.env.DB_PASSWORD ?? ''),
  database: 'postgres',
});
await client.connect();
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
