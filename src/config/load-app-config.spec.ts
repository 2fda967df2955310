import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { InvalidConfigurationError } from './invalid-configuration.error.js';
import { loadAppConfig } from './load-app-config.js';

/** Base64 of 32 bytes, as `openssl rand -base64 32` prints. */
const KEY = 'E4Jc6c9sXojclJRc4g2Eea1E6p4y8ECmz22jN07d7Uc=';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadAppConfig', () => {
  it('applies the documented defaults to an environment with only the key', () => {
    const config = loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY });
    expect(config.environment).toBe('production');
    expect(config.dataDir).toBe('./data');
    expect(config.secrets.key?.bytes()).toEqual(Buffer.from(KEY, 'base64'));
    expect(config.secrets.previousKey).toBeUndefined();
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080, bodyLimitBytes: 262_144 });
    expect(config.database).toMatchObject({
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      name: 'job_scheduler',
      sslMode: 'disable',
      migrateOnBoot: true,
    });
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(config.worker).toEqual({ poolSize: 10, httpTimeoutSeconds: 90 });
    expect(config.destinations).toEqual({
      allowPrivateNetworks: false,
      allowedCidrs: [],
      maxConcurrency: 5,
      breakerFailureThreshold: 5,
      breakerCooldownMs: 30_000,
    });
    expect(config.log).toEqual({ level: 'log', format: 'text' });
    // The SSRF guard is on, with no exceptions, unless an operator says otherwise.
    expect(config.destinations).toMatchObject({ allowPrivateNetworks: false, allowedCidrs: [] });
  });

  it('chooses the PostgreSQL backend when no Redis is named, and says why', () => {
    expect(loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY }).backend).toEqual({
      queue: 'postgres',
      reason: 'neither REDIS_HOST nor REDIS_URL set, QUEUE_BACKEND unset',
    });
    // The other Redis variables alone do not name a Redis: their defaults would apply.
    expect(
      loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, REDIS_PORT: '6380', REDIS_HOST: ' ' }).backend
        .queue,
    ).toBe('postgres');
  });

  it('chooses Redis when REDIS_HOST or REDIS_URL is set', () => {
    expect(loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, REDIS_HOST: 'cache' }).backend).toEqual({
      queue: 'redis',
      reason: 'REDIS_HOST set, QUEUE_BACKEND unset',
    });
    expect(
      loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, REDIS_URL: 'redis://cache:6379/0' }).backend,
    ).toEqual({
      queue: 'redis',
      reason: 'REDIS_URL set, QUEUE_BACKEND unset',
    });
  });

  it('lets QUEUE_BACKEND decide either way', () => {
    expect(
      loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, QUEUE_BACKEND: 'postgres', REDIS_HOST: 'cache' })
        .backend,
    ).toEqual({
      queue: 'postgres',
      reason: 'QUEUE_BACKEND=postgres',
    });
    expect(loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, QUEUE_BACKEND: 'Redis' }).backend).toEqual({
      queue: 'redis',
      reason: 'QUEUE_BACKEND=redis',
    });
  });

  it('refuses a QUEUE_BACKEND it does not know', () => {
    expect(() => loadAppConfig({ QUEUE_BACKEND: 'kafka' })).toThrow(
      'QUEUE_BACKEND must be one of redis, postgres (got "kafka")',
    );
  });

  it('reads the SSRF guard settings, normalising the CIDRs', () => {
    const config = loadAppConfig({
      SECRETS_ENCRYPTION_KEY: KEY,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_ALLOWED_CIDRS: ' 10.0.0.0/8, fd00:0:0::/8 ,,169.254.169.254/32',
    });
    expect(config.destinations).toMatchObject({
      allowPrivateNetworks: true,
      allowedCidrs: ['10.0.0.0/8', 'fd00::/8', '169.254.169.254/32'],
    });
  });

  it.each(['10.0.0.0', '10.1/16', '012.0.0.0/8', '10.0.0.0/33', 'fd00::/129', 'internal'])(
    'refuses %j in WEBHOOK_ALLOWED_CIDRS, naming the variable',
    (entry) => {
      expect(() =>
        loadAppConfig({
          SECRETS_ENCRYPTION_KEY: KEY,
          WEBHOOK_ALLOWED_CIDRS: `192.168.0.0/16,${entry}`,
        }),
      ).toThrow(
        `WEBHOOK_ALLOWED_CIDRS must be a comma-separated list of CIDRs such as 10.0.0.0/8 or fd00::/8 (got "${entry}")`,
      );
    },
  );

  it('refuses a WEBHOOK_ALLOW_PRIVATE_NETWORKS that is not a boolean', () => {
    expect(() => loadAppConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'sometimes' })).toThrow(
      'WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false',
    );
  });

  it('reads the per-destination protection, its cap defaulting to half the pool', () => {
    expect(
      loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, WORKER_POOL_SIZE: '500' }).destinations
        .maxConcurrency,
    ).toBe(250);
    expect(
      loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, WORKER_POOL_SIZE: '1' }).destinations
        .maxConcurrency,
    ).toBe(1);
    expect(
      loadAppConfig({
        SECRETS_ENCRYPTION_KEY: KEY,
        WORKER_POOL_SIZE: '500',
        WEBHOOK_MAX_CONCURRENCY_PER_DESTINATION: '500',
        WEBHOOK_BREAKER_FAILURES: '3',
        WEBHOOK_BREAKER_COOLDOWN_SECONDS: '2',
      }).destinations,
    ).toMatchObject({ maxConcurrency: 500, breakerFailureThreshold: 3, breakerCooldownMs: 2_000 });
  });

  it.each([
    ['WEBHOOK_MAX_CONCURRENCY_PER_DESTINATION', '0'],
    ['WEBHOOK_MAX_CONCURRENCY_PER_DESTINATION', '1001'],
    ['WEBHOOK_BREAKER_FAILURES', '0'],
    ['WEBHOOK_BREAKER_FAILURES', 'five'],
    ['WEBHOOK_BREAKER_COOLDOWN_SECONDS', '0'],
    ['WEBHOOK_BREAKER_COOLDOWN_SECONDS', '3601'],
    ['WEBHOOK_BREAKER_COOLDOWN_SECONDS', '1.5'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, [name]: value })).toThrow(
      expect.objectContaining({ problems: [expect.stringContaining(name)] }),
    );
  });

  it('reads every variable the brief names', () => {
    const config = loadAppConfig({
      SECRETS_ENCRYPTION_KEY: KEY,
      DB_HOST: 'db',
      DB_PORT: '6543',
      DB_USER: 'sched',
      DB_PASSWORD: 'pw',
      DB_NAME: 'jobs',
      DB_SSLMODE: 'require',
      REDIS_HOST: 'cache',
      REDIS_PORT: '6380',
      REDIS_PASSWORD: 'secret',
      REDIS_DB: '3',
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: '9000',
      WORKER_POOL_SIZE: '64',
      WORKER_HTTP_TIMEOUT: '30',
      SCHEDULER_POLL_INTERVAL: '250',
      SCHEDULER_BATCH_SIZE: '1000',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      ENVIRONMENT: 'production',
    });
    expect(config.database).toMatchObject({
      host: 'db',
      port: 6543,
      user: 'sched',
      password: 'pw',
      name: 'jobs',
      sslMode: 'require',
    });
    expect(config.redis).toMatchObject({ host: 'cache', port: 6380, password: 'secret', db: 3 });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 9000 });
    expect(config.worker).toEqual({ poolSize: 64, httpTimeoutSeconds: 30 });
    expect(config.scheduler).toMatchObject({ pollIntervalMs: 250, batchSize: 1000 });
    expect(config.log).toEqual({ level: 'debug', format: 'json' });
    expect(config.environment).toBe('production');
  });

  it('prefers DATABASE_URL and REDIS_URL over the separate variables', () => {
    const config = loadAppConfig({
      SECRETS_ENCRYPTION_KEY: KEY,
      DATABASE_URL: 'postgres://u%40x:p%2Fw@pg.example:5433/sched?sslmode=verify-full',
      DB_HOST: 'ignored',
      REDIS_URL: 'redis://:pass@redis.example:6390/2',
    });
    expect(config.database).toMatchObject({
      host: 'pg.example',
      port: 5433,
      user: 'u@x',
      password: 'p/w',
      name: 'sched',
      sslMode: 'verify-full',
    });
    expect(config.redis).toMatchObject({
      host: 'redis.example',
      port: 6390,
      password: 'pass',
      db: 2,
    });
  });

  it('names every bad variable in one error', () => {
    const attempt = () =>
      loadAppConfig({
        SECRETS_ENCRYPTION_KEY: KEY,
        SERVER_PORT: 'eighty',
        WORKER_POOL_SIZE: '0',
        LOG_FORMAT: 'xml',
        DB_SSLMODE: 'sometimes',
        DATABASE_URL: 'not a url with secret',
        QUEUE_BACKEND: 'memory',
      });
    expect(attempt).toThrow(InvalidConfigurationError);
    try {
      attempt();
    } catch (error) {
      const message = (error as InvalidConfigurationError).message;
      for (const name of [
        'SERVER_PORT',
        'WORKER_POOL_SIZE',
        'LOG_FORMAT',
        'DB_SSLMODE',
        'DATABASE_URL',
        'QUEUE_BACKEND',
      ]) {
        expect(message).toContain(name);
      }
      expect(message).not.toContain('secret');
      expect((error as InvalidConfigurationError).problems).toHaveLength(6);
    }
  });

  it('refuses to start without SECRETS_ENCRYPTION_KEY, ENVIRONMENT defaulting to production', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('SECRETS_ENCRYPTION_KEY is required');
    expect(problemsOf({ ENVIRONMENT: 'staging' })).toHaveLength(1);
  });

  it('lets ENVIRONMENT=development run without a key (a generated one is filled in later)', () => {
    const config = loadAppConfig({ ENVIRONMENT: 'Development', DATA_DIR: '/var/lib/sched' });
    expect(config.environment).toBe('development');
    expect(config.secrets.key).toBeUndefined();
    expect(config.dataDir).toBe('/var/lib/sched');
  });

  it.each([
    ['not base64 at all', 'this is not a key!'],
    ['31 bytes', Buffer.alloc(31, 1).toString('base64')],
    ['33 bytes', Buffer.alloc(33, 1).toString('base64')],
    ['hex of 32 bytes', Buffer.alloc(32, 0xab).toString('hex')],
  ])('names a malformed key (%s) without echoing it', (_, value) => {
    for (const name of ['SECRETS_ENCRYPTION_KEY', 'SECRETS_ENCRYPTION_KEY_PREVIOUS']) {
      const problems = problemsOf({ SECRETS_ENCRYPTION_KEY: KEY, [name]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name} must be the base64 of exactly 32`));
      expect(problems[0]).not.toContain(value);
    }
    // Even in development a key that is given must be a real one.
    expect(problemsOf({ ENVIRONMENT: 'development', SECRETS_ENCRYPTION_KEY: value })).toHaveLength(
      1,
    );
  });

  it('reads the previous key and never prints either key', () => {
    const previous = Buffer.alloc(32, 7).toString('base64');
    const config = loadAppConfig({
      SECRETS_ENCRYPTION_KEY: KEY,
      SECRETS_ENCRYPTION_KEY_PREVIOUS: previous,
    });
    expect(config.secrets.previousKey?.bytes()).toEqual(Buffer.alloc(32, 7));
    const printed = [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      String(config.secrets.key),
    ];
    for (const text of printed) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(previous);
      expect(text).not.toContain(Buffer.from(KEY, 'base64').toString('hex'));
    }
  });

  it('lets a tool that touches no secret read the configuration without the key', () => {
    expect(() => loadAppConfig({})).toThrow(/SECRETS_ENCRYPTION_KEY is required/);
    const config = loadAppConfig({ DB_NAME: 'tooling' }, { secretsRequired: false });
    expect(config.database.name).toBe('tooling');
    expect(config.secrets.key).toBeUndefined();
  });
});

describe('loadAppConfig: DB_EMBEDDED', () => {
  it('points the database at the embedded server on loopback, port 54329 unless DB_PORT says', () => {
    const config = loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, DB_EMBEDDED: 'true' });
    expect(config.database).toMatchObject({
      embedded: true,
      host: '127.0.0.1',
      port: 54329,
      user: 'postgres',
      name: 'job_scheduler',
      sslMode: 'disable',
    });
    expect(
      loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY, DB_EMBEDDED: 'yes', DB_PORT: '6000' }).database
        .port,
    ).toBe(6000);
    expect(loadAppConfig({ SECRETS_ENCRYPTION_KEY: KEY }).database.embedded).toBe(false);
  });

  it('refuses it beside a variable that names another PostgreSQL, naming each', () => {
    expect(
      problemsOf({
        SECRETS_ENCRYPTION_KEY: KEY,
        DB_EMBEDDED: 'true',
        DB_HOST: 'db.internal',
        DATABASE_URL: 'postgres://u:p@db/x',
      }),
    ).toEqual([
      expect.stringMatching(/^DATABASE_URL cannot be combined with DB_EMBEDDED=true/),
      expect.stringMatching(/^DB_HOST cannot be combined with DB_EMBEDDED=true/),
    ]);
  });

  it('refuses a value that is not a boolean', () => {
    expect(problemsOf({ SECRETS_ENCRYPTION_KEY: KEY, DB_EMBEDDED: 'maybe' })).toEqual([
      'DB_EMBEDDED must be true or false (got "maybe")',
    ]);
  });
});
