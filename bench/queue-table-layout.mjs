/**
 * The measurement behind "PostgreSQL backend: a side table for the queue" and "sharded outcome
 * counters" (docs/decisions.md): the engine's statements for N executions, on the real schema,
 * with the queue either as columns on `executions` (layout A) or as the `execution_queue` side
 * table (layout B). Reports drain throughput and row versions written per execution
 * (pg_stat_user_tables deltas). Not part of `npm run bench`.
 *
 *   npm run build && node bench/queue-table-layout.mjs
 *   LAYOUTS=B,A,B,A N=20000 WORKERS=8 BATCH=50 SHARDS=16 node bench/queue-table-layout.mjs
 *
 * Uses the DB_* variables (defaults: postgres@127.0.0.1:5432) and a database of its own per
 * layout, dropped afterwards. Layout B's statements are simplified copies of those in
 * src/queue/postgres-queue-statements.ts (no wake-up): what is measured is row churn.
 */
import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../dist/config/load-app-config.js';
import { dataSourceOptions } from '../dist/database/data-source-options.js';
import { runMigrationsExclusively } from '../dist/database/migration-runner.js';

const N = Number(process.env.N ?? 20_000);
const WORKERS = Number(process.env.WORKERS ?? 8);
const BATCH = Number(process.env.BATCH ?? 50);
const SHARDS = Number(process.env.SHARDS ?? 16);
const LAYOUTS = (process.env.LAYOUTS ?? 'A,B').split(',');
const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-000000000001';
const config = loadAppConfig({ ...process.env, DB_NAME: 'postgres' }).database;
const connection = {
  host: config.host,
  port: config.port,
  user: config.user,
  password: config.password,
};

const DDL = {
  A: [
    `ALTER TABLE executions ADD queue_due_at timestamptz(3), ADD lease_token varchar(128),
       ADD lease_expires_at timestamptz(3)`,
    `CREATE INDEX executions_queue_ready_idx ON executions (queue_due_at, id)
       WHERE lease_token IS NULL AND queue_due_at IS NOT NULL`,
    `CREATE INDEX executions_queue_lease_idx ON executions (lease_expires_at)
       WHERE lease_token IS NOT NULL`,
  ],
  // The migration already created execution_queue and its counters.
  B: [],
};

const SQL = {
  A: {
    enqueue: `UPDATE executions SET queue_due_at = scheduled_at
              WHERE id = ANY($1::uuid[]) AND queue_due_at IS NULL`,
    claim: `WITH picked AS (
              SELECT id FROM executions
              WHERE lease_token IS NULL AND queue_due_at IS NOT NULL
                AND queue_due_at <= statement_timestamp()
              ORDER BY queue_due_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
            UPDATE executions e SET lease_token = $2,
                   lease_expires_at = statement_timestamp() + interval '30 s'
            FROM picked WHERE e.id = picked.id RETURNING e.id::text`,
    complete: `UPDATE executions SET queue_due_at = NULL, lease_token = NULL,
                      lease_expires_at = NULL
               WHERE id = $1 AND lease_token = $2`,
  },
  B: {
    enqueue: `INSERT INTO execution_queue (id, due_at)
              SELECT id::text, scheduled_at FROM executions WHERE id = ANY($1::uuid[])
              ON CONFLICT DO NOTHING`,
    claim: `WITH picked AS (
              SELECT id FROM execution_queue
              WHERE lease_token IS NULL AND dead_lettered_at IS NULL
                AND due_at <= statement_timestamp()
              ORDER BY due_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
            UPDATE execution_queue q SET lease_token = $2,
                   lease_expires_at = statement_timestamp() + interval '30 s'
            FROM picked WHERE q.id = picked.id RETURNING q.id`,
    complete: `WITH done AS (
                 DELETE FROM execution_queue WHERE id = $1 AND lease_token = $2 RETURNING id)
               INSERT INTO execution_queue_counters AS c (name, shard, value)
               SELECT 'completed', floor(random() * ${SHARDS}), 1 FROM done
               ON CONFLICT (name, shard) DO UPDATE SET value = c.value + 1`,
  },
};

// The engine's own writes to executions, the same in both layouts.
const CLAIM_EXECUTIONS = `UPDATE executions SET status = 'RUNNING', attempts = attempts + 1,
    started_at = clock_timestamp(), updated_at = clock_timestamp()
  WHERE id = ANY($1::uuid[]) AND status = 'QUEUED'`;
const RECORD_OUTCOME = `UPDATE executions SET status = 'SUCCEEDED', http_status = 200,
    duration_ms = 3, finished_at = clock_timestamp(), updated_at = clock_timestamp()
  WHERE id = $1 AND status = 'RUNNING'`;

async function admin(sql) {
  const client = new pg.Client({ ...connection, database: 'postgres' });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function migratedDatabase(name) {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  const dataSource = new DataSource(dataSourceOptions({ ...config, name, poolSize: 2 }));
  await dataSource.initialize();
  await runMigrationsExclusively(dataSource);
  await dataSource.destroy();
}

/**
 * A session reports its table counters when it goes idle, at most once a second, or when it
 * exits: the pool is closed first, so that every counter of the run is in.
 */
async function tableStats(name, pool) {
  await pool.end();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const client = new pg.Client({ ...connection, database: name });
  await client.connect();
  const { rows } = await client.query(
    `SELECT relname, n_tup_ins::int AS ins, n_tup_upd::int AS upd, n_tup_hot_upd::int AS hot,
            n_tup_del::int AS del, pg_total_relation_size(relid)::int AS bytes
     FROM pg_stat_user_tables
     WHERE relname IN ('executions', 'execution_queue', 'execution_queue_counters')`,
  );
  await client.end();
  return Object.fromEntries(rows.map((row) => [row.relname, row]));
}

function openPool(name) {
  const pool = new pg.Pool({ ...connection, database: name, max: WORKERS + 2 });
  pool.on('error', () => undefined); // the final DROP ... WITH (FORCE) cuts idle clients
  return pool;
}

async function run(layout) {
  const name = `jobsched_layout_${layout.toLowerCase()}_${process.pid}`;
  await migratedDatabase(name);
  let pool = openPool(name);
  try {
    for (const ddl of DDL[layout]) await pool.query(ddl);
    const {
      rows: [job],
    } = await pool.query(
      `INSERT INTO jobs (name, cron_expression, http_url, http_headers, retry_policy, version, tenant_id)
       VALUES ('layout', '* * * * * *', 'http://127.0.0.1:9/', '{}', '{"maxAttempts":3}', 1, $1)
       RETURNING id`,
      [DEFAULT_TENANT_ID],
    );
    await pool.query(
      `INSERT INTO executions (job_id, scheduled_at)
       SELECT $1, now() - interval '1 hour' + k * interval '1 ms' FROM generate_series(1, $2) k`,
      [job.id, N],
    );
    await pool.query('VACUUM ANALYZE executions');
    const before = await tableStats(name, pool);
    pool = openPool(name);

    // Hand-off as the scheduler does it: mark QUEUED, then enqueue, 1,000 at a time.
    for (;;) {
      const { rows } = await pool.query(
        `UPDATE executions SET status = 'QUEUED', updated_at = now()
         WHERE id IN (SELECT id FROM executions WHERE status = 'SCHEDULED'
                      ORDER BY scheduled_at LIMIT 1000)
         RETURNING id`,
      );
      if (rows.length === 0) break;
      await pool.query(SQL[layout].enqueue, [rows.map((row) => row.id)]);
    }

    const started = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        const token = `worker-${worker}`;
        for (;;) {
          const { rows } = await pool.query(SQL[layout].claim, [BATCH, token]);
          if (rows.length === 0) return;
          const ids = rows.map((row) => row.id);
          await pool.query(CLAIM_EXECUTIONS, [ids]);
          await Promise.all(
            ids.map(async (id) => {
              await pool.query(RECORD_OUTCOME, [id]);
              await pool.query(SQL[layout].complete, [id, token]);
            }),
          );
        }
      }),
    );
    const drainMs = performance.now() - started;

    const after = await tableStats(name, pool);
    const perExecution = (table, column) =>
      after[table] ? ((after[table][column] - (before[table]?.[column] ?? 0)) / N).toFixed(2) : '-';
    console.log(
      JSON.stringify({
        layout,
        executions: N,
        workers: WORKERS,
        batch: BATCH,
        shards: layout === 'B' ? SHARDS : null,
        drainedPerSecond: Math.round(N / (drainMs / 1000)),
        executionsTable: {
          updatesPerExecution: perExecution('executions', 'upd'),
          hotPerExecution: perExecution('executions', 'hot'),
          megabytes: (after.executions.bytes / 2 ** 20).toFixed(1),
        },
        queueTable:
          layout === 'B'
            ? {
                insertsPerExecution: perExecution('execution_queue', 'ins'),
                updatesPerExecution: perExecution('execution_queue', 'upd'),
                deletesPerExecution: perExecution('execution_queue', 'del'),
                megabytes: (after.execution_queue.bytes / 2 ** 20).toFixed(1),
              }
            : null,
      }),
    );
  } finally {
    if (!pool.ended) await pool.end();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

for (const layout of LAYOUTS) {
  if (!SQL[layout]) throw new Error(`unknown layout ${layout} (A or B)`);
  await run(layout);
}
