/**
 * A BullMQ worker process for the benchmark: consumes one queue and makes, for every job,
 * the same webhook call job-scheduler's workers make (POST, no body, the contract headers),
 * through an undici keep-alive pool, failing the job on a non-2xx answer.
 *
 * Environment: BENCH_QUEUE, BENCH_BULL_PREFIX, BENCH_CONCURRENCY, REDIS_HOST, REDIS_PORT,
 * REDIS_PASSWORD. Prints "BullMQ worker ready" once connected; SIGTERM closes it gracefully
 * (BullMQ's `worker.close()` waits for the jobs in progress).
 */
import { Worker } from 'bullmq';
import { Agent, request } from 'undici';

const queue = process.env.BENCH_QUEUE;
const prefix = process.env.BENCH_BULL_PREFIX;
const concurrency = Number(process.env.BENCH_CONCURRENCY || 50);
const connection = {
  host: process.env.REDIS_HOST || '127.0.0.1',
  port: Number(process.env.REDIS_PORT || 6379),
  password: process.env.REDIS_PASSWORD || undefined,
  // Required by BullMQ for workers: blocking commands must not give up on their own.
  maxRetriesPerRequest: null,
};
const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 60_000 });

/**
 * The occurrence's scheduled instant. A job scheduler's jobs are named
 * `repeat:<schedulerId>:<millis>` after the instant they were produced for; plain jobs
 * carry it in their data.
 */
function scheduledAt(job) {
  if (job.data.scheduledAt !== undefined) return job.data.scheduledAt;
  const id = String(job.id);
  if (id.startsWith('repeat:')) return Number(id.slice(id.lastIndexOf(':') + 1));
  return job.timestamp + (job.opts.delay ?? 0);
}

const worker = new Worker(
  queue,
  async (job) => {
    const response = await request(job.data.url, {
      method: 'POST',
      dispatcher,
      headers: {
        'x-job-id': String(job.repeatJobKey ?? job.name),
        'x-execution-id': String(job.id),
        'x-scheduled-at': new Date(scheduledAt(job)).toISOString(),
        'x-attempt': String(job.attemptsMade + 1),
        'user-agent': 'bullmq-bench',
      },
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new Error(`webhook answered ${response.statusCode}`);
    }
  },
  { connection, prefix, concurrency },
);

worker.on('error', (error) => console.error(`worker error: ${error.message}`));
worker.on('failed', (job, error) => console.error(`job ${job?.id} failed: ${error.message}`));

await worker.waitUntilReady();
console.log(`BullMQ worker ready (queue ${queue}, concurrency ${concurrency})`);

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (closing) process.exit(130);
    closing = true;
    worker
      .close()
      .then(() => dispatcher.close())
      .then(
        () => process.exit(0),
        (error) => {
          console.error(`close failed: ${error.message}`);
          process.exit(1);
        },
      );
  });
}
