import pg from 'pg';
import { QUEUE_BACKENDS } from '../../src/config/app-config.js';
import type { QueueBackend } from '../../src/config/app-config.js';
import { CanaryListener } from './canary-listener.js';
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

/** The engine's end-to-end behaviour suite runs once per backend (`describe.each`). */
export const BACKENDS: readonly QueueBackend[] = QUEUE_BACKENDS;

export interface ClusterOptions {
  /** Default redis. Only configuration differs between the two. */
  backend?: QueueBackend;
  /** Added to (or overriding) every process's environment. */
  env?: Record<string, string>;
}

/**
 * Real `dist/main.js` (API + scheduler) and `dist/worker.js` processes on a database (and,
 * on the Redis backend, a Redis key prefix) of their own. Timings are shortened so failover
 * and lease expiry happen within a test: lock TTL 2 s, worker lease 3 s, scheduler pass every
 * 100 ms. The SSRF guard's opt-out is on (loopback receivers).
 *
 * On the PostgreSQL backend the processes get no `REDIS_HOST` and no `QUEUE_BACKEND`: they
 * pick PostgreSQL by default, as a machine without Redis would. `REDIS_PORT` points at a
 * listener that counts connections, and `close` fails if any process opened one.
 */
export class EngineCluster {
  readonly processes: NamedProcess[] = [];
  readonly db: pg.Pool;
  private constructor(
    readonly backend: QueueBackend,
    readonly env: Record<string, string>,
    private readonly dropDatabase: () => Promise<void>,
    private readonly redisStandIn: CanaryListener | null,
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

  static async create(options: ClusterOptions = {}): Promise<EngineCluster> {
    const backend = options.backend ?? 'redis';
    const { database, drop } = await createTestDatabase();
    const admin = adminDatabaseConfig();
    const redisStandIn = backend === 'postgres' ? await CanaryListener.start() : null;
    const redis: Record<string, string> =
      redisStandIn === null
        ? {
            REDIS_HOST: process.env.REDIS_HOST ?? '127.0.0.1',
            REDIS_PORT: process.env.REDIS_PORT ?? '6379',
            REDIS_KEY_PREFIX: uniqueName('jobsched-e2e'),
          }
        : { REDIS_PORT: String(redisStandIn.port) };
    return new EngineCluster(
      backend,
      {
        DB_HOST: admin.host,
        DB_PORT: String(admin.port),
        DB_USER: admin.user,
        DB_PASSWORD: admin.password,
        DB_NAME: database.name,
        DB_MIGRATE_ON_BOOT: 'false',
        ...redis,
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
        ...options.env,
      },
      drop,
      redisStandIn,
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
    this.expectBackend(process);
    return process;
  }

  async startWorker(name: string, env: Record<string, string> = {}): Promise<NamedProcess> {
    const child = startServiceProcess('dist/worker.js', { ...this.env, ...env });
    const process: NamedProcess = Object.assign(child, { name });
    this.processes.push(process);
    await child.waitForOutput(/Worker ready/);
    this.expectBackend(process);
    return process;
  }

  /** Each process logs its backend at start-up; a test must never run on the other one. */
  private expectBackend(process: NamedProcess): void {
    const match = /Queue backend: (\w+)/.exec(process.output());
    if (match?.[1] !== this.backend) {
      throw new Error(`${process.name} runs on ${match?.[1] ?? 'no backend'}, not ${this.backend}`);
    }
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
    if (this.redisStandIn !== null) {
      const opened = this.redisStandIn.connections;
      await this.redisStandIn.close();
      if (opened > 0) {
        throw new Error(`on the postgres backend, processes opened ${opened} Redis connection(s)`);
      }
    }
  }
}
