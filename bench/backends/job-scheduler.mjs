/**
 * job-scheduler itself, as real processes: `dist/main.js` (API + scheduler, leader-elected)
 * and `dist/worker.js` workers, on the run's own database and, on the Redis backend, Redis
 * key prefix. `queueBackend: 'postgres'` runs the same processes with `QUEUE_BACKEND=postgres`
 * and no Redis variables at all (the `job-scheduler-postgres` column).
 *
 * Setup shortcuts, and why they are fair:
 * - Jobs for the fire ladder are made by creating one (inactive) template job through the
 *   API, then cloning it N times with one `INSERT ... SELECT` (only id, name, URL, is_active
 *   and the sealed secrets differ). The API is measured on its own (scenario "api"); creating
 *   10,000 jobs through it would only lengthen the warm-up. The clones have exactly the
 *   columns the API writes: each gets its destination and its own signing secret sealed here
 *   with the run's key, through the service's own `JobSecretsCipher`, so workers decrypt and
 *   sign every request as they would for jobs made through the API.
 * - The burst inserts its executions as `SCHEDULED` rows due at one aligned second, exactly
 *   what the scheduler's expansion writes (it materialises rows 60 s ahead), so the drain
 *   measures hand-off, queue, claim, send and record: everything after expansion.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EncryptionKey } from '../../dist/config/encryption-key.js';
import { JobSecretsCipher } from '../../dist/secrets/job-secrets.cipher.js';
import { SecretCipher } from '../../dist/secrets/secret-cipher.js';
import { SigningSecretGenerator } from '../../dist/secrets/signing-secret.generator.js';
import { startChild } from '../lib/children.mjs';
import { BENCH_ADMIN_API_KEY, freePort, jsonRequest } from '../lib/util.mjs';

/** Never fires within a run (next: 1 January), so the jobs exist but stay quiet. */
const QUIET_CRON = '0 0 0 1 1 *';

export function jobSchedulerBackend({
  workers = 2,
  poolSize = 50,
  queueBackend = 'redis',
  env = {},
} = {}) {
  const engineEnv = {
    QUEUE_BACKEND: queueBackend,
    WORKER_POOL_SIZE: String(poolSize),
    // Every job of the benchmark calls one receiver: the per-destination cap (half the pool
    // by default) would measure the cap, not the engine. The cap's own behaviour is tested
    // in test/e2e/stuck-destination.e2e-spec.ts.
    WEBHOOK_MAX_CONCURRENCY_PER_DESTINATION: String(poolSize),
    ...env,
  };
  // A throw-away SECRETS_ENCRYPTION_KEY per run; kept out of `describe()` (it goes in reports).
  const encryptionKey = randomBytes(32).toString('base64');
  const secrets = {
    cipher: new JobSecretsCipher(
      new SecretCipher({ current: EncryptionKey.fromBase64(encryptionKey) }),
    ),
    generator: new SigningSecretGenerator(),
  };
  const key = queueBackend === 'redis' ? 'job-scheduler' : `job-scheduler-${queueBackend}`;
  /** Process names in logs and resource tables: js-fire-main, jspg-fire-worker-1, ... */
  const tag = queueBackend === 'redis' ? 'js' : 'jspg';

  function redisEnv(ctx, deployment) {
    if (queueBackend !== 'redis') return {};
    const { redis } = ctx.settings;
    return {
      REDIS_HOST: redis.host,
      REDIS_PORT: String(redis.port),
      ...(redis.password ? { REDIS_PASSWORD: redis.password } : {}),
      REDIS_KEY_PREFIX: deployment.redisPrefix,
    };
  }

  function baseEnv(ctx, deployment) {
    const { db } = ctx.settings;
    return {
      DB_HOST: db.host,
      DB_PORT: String(db.port),
      DB_USER: db.user,
      DB_PASSWORD: db.password,
      DB_NAME: ctx.database,
      ...redisEnv(ctx, deployment),
      SERVER_HOST: '127.0.0.1',
      LOG_LEVEL: 'log',
      LOG_FORMAT: 'text',
      ENVIRONMENT: 'benchmark',
      ADMIN_API_KEY: BENCH_ADMIN_API_KEY,
      // Counted on every request (one round trip to the backend's store), never reached.
      API_RATE_LIMIT: '10000000',
      // The bench receiver listens on 127.0.0.1, which the SSRF guard refuses by default.
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      SECRETS_ENCRYPTION_KEY: encryptionKey,
      ...engineEnv,
    };
  }

  return {
    key,
    usesPostgres: true,
    describe: () => ({
      processes: `1 × node dist/main.js (API + scheduler) + ${workers} × node dist/worker.js`,
      env: engineEnv,
      otherSettings: 'defaults (docs/configuration.md)',
      fireJobSetup:
        'one template job via POST /api/v1/jobs, cloned N times by INSERT ... SELECT (secrets sealed per clone)',
      burstSetup:
        'N SCHEDULED execution rows (100 per job, 10 ms apart) inserted due at one aligned second',
    }),

    /** `role`: 'fire' | 'burst' | 'api' (the API scenario runs no worker). */
    async start(ctx, role) {
      const deployment = {
        role,
        redisPrefix: `${ctx.prefix}-${key}`,
        processes: [],
        apiUrl: null,
      };
      const port = await freePort();
      const env = baseEnv(ctx, deployment);
      const main = startChild(`${tag}-${role}-main`, 'dist/main.js', {
        cwd: ctx.root,
        env: { ...env, SERVER_PORT: String(port) },
        logDir: ctx.logDir,
      });
      deployment.processes.push(main);
      deployment.apiUrl = `http://127.0.0.1:${port}`;
      // Started together: migrations run under an advisory lock, so replicas may boot at once.
      const workerCount = role === 'api' ? 0 : workers;
      const started = Array.from({ length: workerCount }, (_, i) =>
        startChild(`${tag}-${role}-worker-${i + 1}`, 'dist/worker.js', {
          cwd: ctx.root,
          env,
          logDir: ctx.logDir,
        }),
      );
      deployment.processes.push(...started);
      try {
        await Promise.all([
          main
            .waitForOutput(/Listening on http/)
            .then(() => main.waitForOutput(/Leading the scheduler with epoch/, 30_000)),
          ...started.map((worker) => worker.waitForOutput(/Worker ready/)),
        ]);
      } catch (error) {
        await Promise.all(deployment.processes.map((p) => p.stop(5000)));
        throw error;
      }
      return deployment;
    },

    async createEverySecondJobs(ctx, deployment, { count, urlPrefix }) {
      await cloneJobs(ctx, deployment, secrets, {
        count,
        urlPrefix,
        cronExpression: '* * * * * *',
        namePrefix: 'bench-fire-',
      });
      return { method: 'template via API + INSERT ... SELECT clones' };
    },

    /** SUCCEEDED executions scheduled in [fromMs, toMs): fires whose history is committed. */
    async committedFires(ctx, _deployment, { fromMs, toMs }) {
      const { rows } = await ctx.pool.query(
        `SELECT count(*)::int AS committed FROM executions
         WHERE status = 'SUCCEEDED' AND scheduled_at >= $1 AND scheduled_at < $2`,
        [new Date(fromMs), new Date(toMs)],
      );
      return rows[0].committed;
    },

    /**
     * Where the lateness comes from, from the rows themselves (PostgreSQL's clock): when the
     * worker claimed the execution in PostgreSQL (started_at) and when its outcome was
     * committed (finished_at), each minus scheduled_at, in ms.
     */
    async stageTimings(ctx, _deployment, { fromMs, toMs }) {
      const { rows } = await ctx.pool.query(
        `SELECT stage, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)) AS p50,
                round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)) AS p99,
                round(max(ms)) AS max
         FROM (SELECT 'claimed' AS stage,
                      extract(epoch FROM started_at - scheduled_at) * 1000 AS ms
               FROM executions WHERE status = 'SUCCEEDED' AND scheduled_at >= $1 AND scheduled_at < $2
               UNION ALL
               SELECT 'committed', extract(epoch FROM finished_at - scheduled_at) * 1000
               FROM executions WHERE status = 'SUCCEEDED' AND scheduled_at >= $1 AND scheduled_at < $2
              ) AS t
         GROUP BY stage`,
        [new Date(fromMs), new Date(toMs)],
      );
      return Object.fromEntries(
        rows.map((r) => [r.stage, { p50: Number(r.p50), p99: Number(r.p99), max: Number(r.max) }]),
      );
    },

    /** `count` executions, 100 per job, due from `dueAt` to `dueAt + 990 ms`. */
    async prepareBurst(ctx, deployment, { count, dueAt, urlPrefix, perJob, spreadMs }) {
      const jobs = Math.ceil(count / perJob);
      await cloneJobs(ctx, deployment, secrets, {
        count: jobs,
        urlPrefix,
        cronExpression: QUIET_CRON,
        namePrefix: 'bench-burst-',
      });
      const { rowCount } = await ctx.pool.query(
        `INSERT INTO executions (job_id, scheduled_at)
         SELECT j.id, $1::timestamptz + make_interval(secs => k * $2 / 1000.0)
         FROM jobs j CROSS JOIN generate_series(0, $3 - 1) AS k
         WHERE j.is_active AND j.name LIKE 'bench-burst-%'
         ORDER BY k, j.created_at, j.id
         LIMIT $4`,
        [new Date(dueAt), spreadMs, perJob, count],
      );
      if (rowCount !== count) throw new Error(`burst: inserted ${rowCount} of ${count} rows`);
    },

    /** Executions settled so far, and when the last one was committed (PostgreSQL's clock). */
    async burstProgress(ctx) {
      const { rows } = await ctx.pool.query(
        `SELECT count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded,
                count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
                (extract(epoch FROM max(finished_at)) * 1000)::float8 AS "lastCommittedAt"
         FROM executions`,
      );
      return rows[0];
    },

    /** Jobs for the API scenario's GETs: cloned quiet jobs; returns their ids. */
    async seedApiJobs(ctx, deployment, { count, urlPrefix }) {
      await cloneJobs(ctx, deployment, secrets, {
        count,
        urlPrefix,
        cronExpression: QUIET_CRON,
        namePrefix: 'bench-api-seed-',
      });
      const { rows } = await ctx.pool.query(
        `SELECT id FROM jobs WHERE is_active AND name LIKE 'bench-api-seed-%'`,
      );
      return rows.map((row) => row.id);
    },

    /**
     * PostgreSQL's own counters for the run's database: row inserts/updates per table (and how
     * many updates were HOT), commits. Deltas over a window show where the database's work goes.
     */
    async activity(ctx) {
      const { rows: tables } = await ctx.pool.query(
        `SELECT relname, n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd,
                n_tup_hot_upd::float8 AS hot, n_tup_del::float8 AS del
         FROM pg_stat_user_tables
         WHERE relname IN ('jobs', 'executions', 'execution_attempts', 'execution_queue')`,
      );
      const { rows: db } = await ctx.pool.query(
        `SELECT xact_commit::float8 AS commits, xact_rollback::float8 AS rollbacks
         FROM pg_stat_database WHERE datname = current_database()`,
      );
      const counters = { commits: db[0].commits, rollbacks: db[0].rollbacks };
      for (const t of tables) {
        counters[`${t.relname}.inserted`] = t.ins;
        counters[`${t.relname}.updated`] = t.upd;
        counters[`${t.relname}.hotUpdated`] = t.hot;
        counters[`${t.relname}.deleted`] = t.del;
      }
      return counters;
    },

    async countJobs(ctx, name) {
      const { rows } = await ctx.pool.query(`SELECT count(*)::int AS n FROM jobs WHERE name = $1`, [
        name,
      ]);
      return rows[0].n;
    },

    /** Stops the processes (SIGTERM: they release leases and leadership), then clears data. */
    async stop(ctx, deployment) {
      const workersFirst = deployment.processes.slice(1);
      await Promise.all(workersFirst.map((p) => p.stop(40_000)));
      await deployment.processes[0]?.stop(40_000);
      await ctx.pool.query(
        'TRUNCATE execution_attempts, executions, jobs, execution_queue, execution_queue_counters',
      );
      await ctx.deleteRedisPrefix(deployment.redisPrefix);
    },
  };
}

/**
 * One template job through the API (so the row has exactly the API's defaults), then
 * `count` clones of it in one statement. Columns are read from the catalogue, so a column
 * added later is copied from the template too. Sealed values are bound to their job id, so
 * each clone gets its own id, destination and signing secret, sealed here.
 */
async function cloneJobs(
  ctx,
  deployment,
  { cipher, generator },
  { count, urlPrefix, cronExpression, namePrefix },
) {
  const created = await jsonRequest(deployment.apiUrl, 'POST', '/api/v1/jobs', {
    name: `${namePrefix}template`,
    cronExpression,
    httpUrl: `${urlPrefix}template`,
    isActive: false,
  });
  if (created.status !== 201) {
    throw new Error(`creating the template job: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const { rows } = await ctx.pool.query(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'jobs'`,
  );
  const generated = new Set(['created_at', 'updated_at', 'expanded_until', 'deleted_at']);
  const replaced = {
    id: 'c.id',
    name: `$2 || (c.n - 1)`,
    // No userinfo and no query: the redacted copy is the URL itself.
    http_url: `$3 || (c.n - 1)`,
    http_target_sealed: 'c.target',
    signing_secret_sealed: 'c.secret',
    is_active: 'true',
  };
  const ids = Array.from({ length: count }, () => randomUUID());
  const targets = ids.map((id, i) =>
    cipher.sealTarget(id, { url: `${urlPrefix}${i}`, headers: {} }),
  );
  const signingSecrets = ids.map((id) => cipher.sealSigningSecret(id, generator.generate()));
  const columns = rows.map((row) => row.column_name).filter((name) => !generated.has(name));
  const values = columns.map((name) => replaced[name] ?? `t."${name}"`);
  const { rowCount } = await ctx.pool.query(
    `INSERT INTO jobs (${columns.map((name) => `"${name}"`).join(', ')})
     SELECT ${values.join(', ')}
     FROM jobs t CROSS JOIN unnest($4::uuid[], $5::text[], $6::text[]) WITH ORDINALITY
       AS c(id, target, secret, n)
     WHERE t.id = $1`,
    [created.body.id, namePrefix, urlPrefix, ids, targets, signingSecrets],
  );
  if (rowCount !== count) throw new Error(`cloned ${rowCount} of ${count} jobs`);
}
