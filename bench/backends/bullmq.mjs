/**
 * BullMQ, set up the way its documentation recommends for throughput: several worker
 * processes (one per core here) with a concurrency factor for I/O-bound processors, jobs
 * added with `addBulk`, recurring jobs as Job Schedulers (`upsertJobScheduler` with a
 * six-field cron pattern). Same Redis, same receiver, same webhook call as job-scheduler.
 *
 * "History committed" for BullMQ is a job in the queue's `completed` set: BullMQ keeps
 * finished jobs by default, and the set's score is the job's `finishedOn`.
 */
import { fileURLToPath } from 'node:url';
import { startChild } from '../lib/children.mjs';
import { mapLimit } from '../lib/util.mjs';

const WORKER_SCRIPT = fileURLToPath(new URL('./bullmq-worker.mjs', import.meta.url));
const FIRE_QUEUE = 'fire';
const BURST_QUEUE = 'burst';
/** Jobs per addBulk call: each call is one Redis transaction. */
const ADD_BULK_CHUNK = 1000;
/** Scheduler upserts in flight at once while setting up the ladder. */
const UPSERTS_IN_FLIGHT = 100;

async function loadBullmq() {
  try {
    return await import('bullmq');
  } catch (error) {
    throw new Error(
      `BullMQ is not installed (npm install -D bullmq): ${error instanceof Error ? error.message : error}`,
    );
  }
}

/**
 * Concurrency per worker process, per workload, from runs on this 2-core machine: job
 * scheduler fires 50 (100 and 200 were no better: a worker fetches its jobs one by one and
 * schedules each next iteration as it does, so the fetch, not the concurrency, paces it);
 * burst 200 (20k-job bursts drained at ~3,800/s with 50, ~4,600/s with 100 or 200).
 * Two worker processes, one per core: four were no faster at 250-1,000 fires/s.
 */
const DEFAULT_CONCURRENCY = { fire: 50, burst: 200 };

export function bullmqBackend({ workers = 2, concurrency = DEFAULT_CONCURRENCY } = {}) {
  const concurrencyFor = (role) =>
    typeof concurrency === 'number' ? concurrency : (concurrency[role] ?? 50);
  return {
    key: 'bullmq',
    usesPostgres: false,
    describe: () => ({
      processes: `${workers} × node bench/backends/bullmq-worker.mjs (one BullMQ Worker each)`,
      concurrency:
        typeof concurrency === 'number' ? { fire: concurrency, burst: concurrency } : concurrency,
      fireJobSetup: "queue.upsertJobScheduler(id, { pattern: '* * * * * *' }) per job",
      burstSetup: `queue.addBulk in chunks of ${ADD_BULK_CHUNK}, delayed to the same due instants`,
      retention: 'completed jobs kept (BullMQ default), as history',
    }),

    async start(ctx, role) {
      const { Queue } = await loadBullmq();
      const queueName = role === 'burst' ? BURST_QUEUE : FIRE_QUEUE;
      const prefix = `${ctx.prefix}-bull`;
      const { redis } = ctx.settings;
      const connection = { host: redis.host, port: redis.port, password: redis.password };
      const env = {
        BENCH_QUEUE: queueName,
        BENCH_BULL_PREFIX: prefix,
        BENCH_CONCURRENCY: String(concurrencyFor(role)),
        REDIS_HOST: redis.host,
        REDIS_PORT: String(redis.port),
        ...(redis.password ? { REDIS_PASSWORD: redis.password } : {}),
      };
      const processes = Array.from({ length: workers }, (_, i) =>
        startChild(`bull-${role}-worker-${i + 1}`, WORKER_SCRIPT, {
          cwd: ctx.root,
          env,
          logDir: ctx.logDir,
        }),
      );
      try {
        await Promise.all(processes.map((p) => p.waitForOutput(/BullMQ worker ready/)));
      } catch (error) {
        await Promise.all(processes.map((p) => p.stop(5000)));
        throw error;
      }
      const queue = new Queue(queueName, { connection, prefix });
      await queue.waitUntilReady();
      return { role, prefix, queueName, queue, processes, keys: keysOf(prefix, queueName) };
    },

    async createEverySecondJobs(_ctx, deployment, { count, urlPrefix }) {
      const ids = Array.from({ length: count }, (_, i) => i);
      await mapLimit(ids, UPSERTS_IN_FLIGHT, (i) =>
        deployment.queue.upsertJobScheduler(
          `job-${i}`,
          { pattern: '* * * * * *' },
          { name: 'fire', data: { url: `${urlPrefix}${i}` } },
        ),
      );
      return { method: 'upsertJobScheduler per job, 100 in flight' };
    },

    /** Completed jobs produced for instants in [fromMs, toMs) (ids `repeat:job-<i>:<millis>`). */
    async committedFires(ctx, deployment, { fromMs, toMs }) {
      let committed = 0;
      let cursor = '0';
      do {
        const [next, entries] = await ctx.redis.zscan(
          deployment.keys.completed,
          cursor,
          'COUNT',
          5000,
        );
        cursor = next;
        for (let i = 0; i < entries.length; i += 2) {
          const id = entries[i];
          const millis = Number(id.slice(id.lastIndexOf(':') + 1));
          if (millis >= fromMs && millis < toMs) committed += 1;
        }
      } while (cursor !== '0');
      return committed;
    },

    async prepareBurst(_ctx, deployment, { count, dueAt, urlPrefix, perJob, spreadMs }) {
      const items = Array.from({ length: count }, (_, n) => {
        // Same layout as job-scheduler's burst: item n is occurrence k of job j.
        const jobsCount = Math.ceil(count / perJob);
        const k = Math.floor(n / jobsCount);
        const j = n % jobsCount;
        return { job: j, scheduledAt: dueAt + k * spreadMs };
      });
      for (let start = 0; start < items.length; start += ADD_BULK_CHUNK) {
        const now = Date.now();
        await deployment.queue.addBulk(
          items.slice(start, start + ADD_BULK_CHUNK).map((item) => ({
            name: 'burst',
            data: { url: `${urlPrefix}${item.job}`, scheduledAt: item.scheduledAt },
            opts: { delay: Math.max(0, item.scheduledAt - now) },
          })),
        );
      }
    },

    async burstProgress(ctx, deployment) {
      const [succeeded, failed, last] = await Promise.all([
        ctx.redis.zcard(deployment.keys.completed),
        ctx.redis.zcard(deployment.keys.failed),
        ctx.redis.zrange(deployment.keys.completed, -1, -1, 'WITHSCORES'),
      ]);
      return { succeeded, failed, lastCommittedAt: last.length === 2 ? Number(last[1]) : null };
    },

    async stop(ctx, deployment) {
      await Promise.all(deployment.processes.map((p) => p.stop(40_000)));
      await deployment.queue.close();
      await ctx.deleteRedisPrefix(deployment.prefix);
    },
  };
}

function keysOf(prefix, queueName) {
  const base = `${prefix}:${queueName}`;
  return { completed: `${base}:completed`, failed: `${base}:failed` };
}
