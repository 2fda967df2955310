import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { adminDatabaseConfig, withAdminClient } from '../support/postgres-admin.js';
import { freePort, startServiceProcess } from '../support/service-process.js';
import type { ServiceProcess } from '../support/service-process.js';
import { jsonRequest } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * The README's first command (`npm run dev`, after `npm run build`) as a newcomer on a bare
 * machine runs it: no DB_*, DATABASE_URL or REDIS_* variable at all (the child's environment
 * is PATH plus what is listed here), while this machine's own PostgreSQL and Redis keep
 * running and must not be used. Stopped as a terminal stops it (SIGINT to its process group),
 * started again on the same data folder.
 */
describe('npm run dev: zero-setup on an embedded PostgreSQL', () => {
  const receiver = new WebhookReceiver();
  let root: string;
  let dataDir: string;
  let serverPort: number;
  const launched: ServiceProcess[] = [];

  beforeAll(async () => {
    await receiver.start();
    root = await mkdtemp(join(tmpdir(), 'jobsched-zero-setup-'));
    // CI runs as root: the server's own account must be able to pass through (0711).
    await chmod(root, 0o711);
    dataDir = join(root, 'data');
    serverPort = await freePort();
  });

  afterAll(async () => {
    // After a failure: the launchers' groups, and a database a killed launcher left behind.
    // The services lead groups of their own; the launcher prints their pids.
    for (const launcher of launched) {
      if (launcher.child.exitCode === null && launcher.child.pid !== undefined) {
        for (const [, pid] of launcher.output().matchAll(/\(pid (\d+)\)/g))
          killQuietly(Number(pid));
        killQuietly(-launcher.child.pid);
      }
      await launcher.exited;
    }
    const pid = await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').then(
      (text) => Number(text.split('\n')[0]),
      () => undefined,
    );
    if (pid !== undefined) killQuietly(pid);
    await receiver.stop();
    await rm(root, { recursive: true, force: true });
  });

  function launch(): ServiceProcess {
    const launcher = startServiceProcess(
      'scripts/dev.mjs',
      { DATA_DIR: dataDir, SERVER_PORT: String(serverPort) },
      { detached: true },
    );
    launched.push(launcher);
    return launcher;
  }

  async function ready(launcher: ServiceProcess): Promise<{ adminKey: string; dbPort: number }> {
    await launcher.waitForOutput(/Listening on http/, 60_000);
    await launcher.waitForOutput(/Worker ready/, 60_000);
    const output = launcher.output();
    const adminKey = /admin key\s+(\S+)/.exec(output)?.[1];
    const dbPort = /PostgreSQL\s+127\.0\.0\.1:(\d+)/.exec(output)?.[1];
    if (adminKey === undefined || dbPort === undefined) throw new Error(`no banner:\n${output}`);
    return { adminKey, dbPort: Number(dbPort) };
  }

  async function ctrlC(launcher: ServiceProcess): Promise<void> {
    process.kill(-launcher.child.pid!, 'SIGINT');
    expect(await launcher.exited).toEqual({ code: 0, signal: null });
    expect(launcher.output()).toMatch(/PostgreSQL stopped/);
    expect(launcher.output().match(/Shutdown complete/g)).toHaveLength(2);
  }

  it('serves a job from its own data folder, survives Ctrl-C and a restart', async () => {
    const redisKeysBefore = await serviceRedisKeys();
    const base = `http://127.0.0.1:${serverPort}`;

    const first = launch();
    const { adminKey, dbPort } = await ready(first);
    expect(first.output()).toContain(`${base}/docs`);
    expect(first.output()).toMatch(/WEBHOOK_ALLOW_PRIVATE_NETWORKS/);
    expect(dbPort).not.toBe(5432);
    expect((await fetch(`${base}/docs`)).status).toBe(200);
    for (const file of ['admin-api-key', 'secrets-encryption.key', 'postgres-password']) {
      expect((await stat(join(dataDir, file))).mode & 0o777).toBe(0o600);
    }

    const created = await jsonRequest(
      base,
      'POST',
      '/api/v1/jobs',
      { name: 'zero-setup', cronExpression: '* * * * * *', httpUrl: receiver.url('/tick') },
      { apiKey: adminKey },
    );
    expect(created.status).toBe(201);
    const jobId = created.body.id as string;
    await receiver.waitFor(
      (requests) => requests.some((r) => r.path === '/tick'),
      30_000,
      'a tick',
    );
    expect(receiver.forPath('/tick')[0]?.headers['x-job-id']).toBe(jobId);

    // The embedded server holds the job and its executions...
    const embedded = new pg.Client({
      host: '127.0.0.1',
      port: dbPort,
      user: 'postgres',
      password: (await readFile(join(dataDir, 'postgres-password'), 'utf8')).trim(),
      database: 'job_scheduler',
    });
    await embedded.connect();
    try {
      const { rows } = await embedded.query<{ jobs: number; executions: number }>(
        `SELECT (SELECT count(*)::int FROM jobs WHERE id = $1) AS jobs,
                (SELECT count(*)::int FROM executions WHERE job_id = $1) AS executions`,
        [jobId],
      );
      expect(rows[0]?.jobs).toBe(1);
      expect(rows[0]?.executions).toBeGreaterThan(0);
    } finally {
      await embedded.end();
    }
    // ...the machine's PostgreSQL does not, and no key with the service's prefix reached Redis.
    expect(await systemPostgresHasJob(jobId)).toBe(false);
    expect([...(await serviceRedisKeys())].filter((key) => !redisKeysBefore.has(key))).toEqual([]);

    await ctrlC(first);
    await expect(stat(join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toMatchObject({
      code: 'ENOENT',
    });

    const ticksBefore = receiver.forPath('/tick').length;
    const second = launch();
    const again = await ready(second);
    expect(again.adminKey).toBe(adminKey);
    const job = await jsonRequest(base, 'GET', `/api/v1/jobs/${jobId}`, undefined, {
      apiKey: adminKey,
    });
    expect(job.status).toBe(200);
    expect(job.body.name).toBe('zero-setup');
    await receiver.waitFor(
      (requests) => requests.filter((r) => r.path === '/tick').length > ticksBefore,
      30_000,
      'a tick after the restart',
    );
    await ctrlC(second);
  }, 180_000);
});

/** Whether any `job_scheduler` database on the machine's own PostgreSQL holds the job. */
async function systemPostgresHasJob(jobId: string): Promise<boolean> {
  return withAdminClient(async (client) => {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = 'job_scheduler'");
    if (found.rowCount === 0) return false;
    const admin = adminDatabaseConfig();
    const other = new pg.Client({
      host: admin.host,
      port: admin.port,
      user: admin.user,
      password: admin.password,
      database: 'job_scheduler',
    });
    await other.connect();
    try {
      const jobs = await other.query(
        "SELECT 1 FROM information_schema.tables WHERE table_name = 'jobs'",
      );
      if (jobs.rowCount === 0) return false;
      return ((await other.query('SELECT 1 FROM jobs WHERE id = $1', [jobId])).rowCount ?? 0) > 0;
    } finally {
      await other.end();
    }
  });
}

/** Keys under the default prefix (`jobsched:`) on the machine's Redis. */
async function serviceRedisKeys(): Promise<Set<string>> {
  const redis = new Redis({
    host: process.env.REDIS_HOST ?? '127.0.0.1',
    port: Number(process.env.REDIS_PORT ?? 6379),
    lazyConnect: true,
  });
  await redis.connect();
  try {
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', 'jobsched:*', 'COUNT', 1000);
      for (const key of batch) keys.add(key);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone: nothing to clean up.
  }
}
