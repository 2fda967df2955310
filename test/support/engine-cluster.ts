import pg from 'pg';
import { adminDatabaseConfig } from './postgres-admin.js';
import { freePort, startServiceProcess } from './service-process.js';
import type { ServiceProcess } from './service-process.js';
import { jsonRequest, TEST_ADMIN_API_KEY } from './test-app.js';
import type { RequestOptions, TestResponse } from './test-app.js';
import { createTestDatabase, uniqueName } from './test-database.js';
import { TEST_ENCRYPTION_KEY } from './test-secrets.js';

export interface NamedProcess extends ServiceProcess {
  name: string;
  port?: number;
}

/**
 * Real `dist/main.js` (API + scheduler) and `dist/worker.js` processes on a database and a
 * Redis key prefix of their own. Timings are shortened so failover and lease expiry happen
 * within a test: lock TTL 2 s, worker lease 3 s, scheduler pass every 100 ms. The SSRF
 * guard's opt-out is on (loopback receivers).
 */
export class EngineCluster {
  readonly processes: NamedProcess[] = [];
  readonly db: pg.Pool;
  private constructor(
    readonly env: Record<string, string>,
    private readonly dropDatabase: () => Promise<void>,
  ) {
    this.db = new pg.Pool({
      host: env.DB_HOST,
      port: Number(env.DB_PORT),
      user: env.DB_USER,
      password: env.DB_PASSWORD,
      database: env.DB_NAME,
      max: 3,
    });
    // Tests that cut the database's connections (outage) make idle clients error: expected.
    this.db.on('error', () => undefined);
  }

  static async create(env: Record<string, string> = {}): Promise<EngineCluster> {
    const { database, drop } = await createTestDatabase();
    const admin = adminDatabaseConfig();
    return new EngineCluster(
      {
        DB_HOST: admin.host,
        DB_PORT: String(admin.port),
        DB_USER: admin.user,
        DB_PASSWORD: admin.password,
        DB_NAME: database.name,
        DB_MIGRATE_ON_BOOT: 'false',
        REDIS_HOST: process.env.REDIS_HOST ?? '127.0.0.1',
        REDIS_PORT: process.env.REDIS_PORT ?? '6379',
        REDIS_KEY_PREFIX: uniqueName('jobsched-e2e'),
        SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        SERVER_HOST: '127.0.0.1',
        SCHEDULER_POLL_INTERVAL: '100',
        SCHEDULER_LOCK_TTL_MS: '2000',
        SCHEDULER_MISFIRE_THRESHOLD_MS: '10000',
        WORKER_LEASE_MS: '3000',
        WORKER_SHUTDOWN_GRACE_MS: '2000',
        LOG_LEVEL: 'log',
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
        // Receivers are on 127.0.0.1, which the SSRF guard refuses by default. A process can
        // override it (the guard's own end-to-end test starts its worker with 'false').
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        ...env,
      },
      drop,
    );
  }

  async startScheduler(name: string, env: Record<string, string> = {}): Promise<NamedProcess> {
    const port = await freePort();
    const child = startServiceProcess('dist/main.js', {
      ...this.env,
      SERVER_PORT: String(port),
      ...env,
    });
    const process: NamedProcess = Object.assign(child, { name, port });
    this.processes.push(process);
    await child.waitForOutput(/Listening on http/);
    return process;
  }

  async startWorker(name: string, env: Record<string, string> = {}): Promise<NamedProcess> {
    const child = startServiceProcess('dist/worker.js', { ...this.env, ...env });
    const process: NamedProcess = Object.assign(child, { name });
    this.processes.push(process);
    await child.waitForOutput(/Worker ready/);
    return process;
  }

  /** A request to the API of the first scheduler process still running. */
  api(
    method: string,
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<TestResponse> {
    const target = this.processes.find((p) => p.port !== undefined && p.child.exitCode === null);
    if (!target) throw new Error('no API process running');
    return jsonRequest(`http://127.0.0.1:${target.port}`, method, path, body, options);
  }

  async createJob(body: Record<string, unknown>): Promise<string> {
    const response = await this.api('POST', '/api/v1/jobs', body);
    if (response.status !== 201) throw new Error(`create job: ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  }

  /** Polls PostgreSQL until `query` returns a row satisfying `predicate` (bounded). */
  async waitForRows<T extends pg.QueryResultRow>(
    query: string,
    params: unknown[],
    predicate: (rows: T[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.db.query<T>(query, params);
      if (predicate(rows)) return rows;
      if (Date.now() > deadline) {
        throw new Error(`rows never matched within ${timeoutMs} ms: ${JSON.stringify(rows)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop('SIGKILL')));
    await this.db.end();
    await this.dropDatabase();
  }
}
