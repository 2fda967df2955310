/**
 * The shared services the benchmark borrows: PostgreSQL and Redis on this machine. Each run
 * gets a database and Redis key prefixes of its own; both are removed at the end, and
 * nothing outside them is touched (other test runs may share these servers).
 */
import { Redis } from 'ioredis';
import pg from 'pg';

const HARNESS_APP = 'jobsched-bench-harness';

export function connectionSettings(env = process.env) {
  return {
    db: {
      host: env.DB_HOST || '127.0.0.1',
      port: Number(env.DB_PORT || 5432),
      user: env.DB_USER || 'postgres',
      password: env.DB_PASSWORD || '',
    },
    redis: {
      host: env.REDIS_HOST || '127.0.0.1',
      port: Number(env.REDIS_PORT || 6379),
      password: env.REDIS_PASSWORD || undefined,
    },
  };
}

export async function withAdminClient(settings, work) {
  const client = new pg.Client({ ...settings.db, database: 'postgres' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(settings, name) {
  await withAdminClient(settings, (client) => client.query(`CREATE DATABASE "${name}"`));
}

export async function dropDatabase(settings, name) {
  await withAdminClient(settings, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
}

export function databasePool(settings, name, max = 4) {
  return new pg.Pool({ ...settings.db, database: name, max, application_name: HARNESS_APP });
}

export function redisClient(settings) {
  return new Redis({ ...settings.redis, maxRetriesPerRequest: 3, lazyConnect: false });
}

/** Deletes every key that starts with `prefix` (SCAN + UNLINK, never KEYS or FLUSH). */
export async function deleteRedisPrefix(redis, prefix) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Versions for the report. */
export async function serverVersions(settings, redis) {
  const postgres = await withAdminClient(settings, async (client) => {
    const { rows } = await client.query('SHOW server_version');
    return rows[0].server_version;
  });
  const info = await redis.info('server');
  const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  const redisPid = Number(/process_id:(\d+)/.exec(info)?.[1] ?? NaN);
  return { postgres, redis: redisVersion, redisPid };
}

/** Redis-wide counters (the server may be shared: other clients' commands count too). */
export async function redisActivity(redis) {
  const [stats, commands] = await Promise.all([redis.info('stats'), redis.info('commandstats')]);
  const counter = (text, re) => Number(re.exec(text)?.[1] ?? 0);
  return {
    commands: counter(stats, /total_commands_processed:(\d+)/),
    scriptCalls:
      counter(commands, /cmdstat_evalsha:calls=(\d+)/) +
      counter(commands, /cmdstat_eval:calls=(\d+)/) +
      counter(commands, /cmdstat_fcall:calls=(\d+)/),
  };
}

/** Per-second rates of counter deltas between two snapshots. */
export function ratesPerSecond(before, after, seconds) {
  const rates = {};
  for (const [key, value] of Object.entries(after)) {
    if (typeof before[key] === 'number') {
      rates[key] = Math.round(((value - before[key]) / seconds) * 10) / 10;
    }
  }
  return rates;
}
