import { describe, expect, it } from '@jest/globals';
import { InvalidConfigurationError } from './invalid-configuration.error.js';
import { loadAppConfig } from './load-app-config.js';

describe('loadAppConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadAppConfig({});
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
    expect(config.log).toEqual({ level: 'log', format: 'text' });
    // The SSRF guard is on, with no exceptions, unless an operator says otherwise.
    expect(config.destinations).toEqual({ allowPrivateNetworks: false, allowedCidrs: [] });
  });

  it('chooses the PostgreSQL backend when no Redis is named, and says why', () => {
    expect(loadAppConfig({}).backend).toEqual({
      queue: 'postgres',
      reason: 'neither REDIS_HOST nor REDIS_URL set, QUEUE_BACKEND unset',
    });
    // The other Redis variables alone do not name a Redis: their defaults would apply.
    expect(loadAppConfig({ REDIS_PORT: '6380', REDIS_HOST: ' ' }).backend.queue).toBe('postgres');
  });

  it('chooses Redis when REDIS_HOST or REDIS_URL is set', () => {
    expect(loadAppConfig({ REDIS_HOST: 'cache' }).backend).toEqual({
      queue: 'redis',
      reason: 'REDIS_HOST set, QUEUE_BACKEND unset',
    });
    expect(loadAppConfig({ REDIS_URL: 'redis://cache:6379/0' }).backend).toEqual({
      queue: 'redis',
      reason: 'REDIS_URL set, QUEUE_BACKEND unset',
    });
  });

  it('lets QUEUE_BACKEND decide either way', () => {
    expect(loadAppConfig({ QUEUE_BACKEND: 'postgres', REDIS_HOST: 'cache' }).backend).toEqual({
      queue: 'postgres',
      reason: 'QUEUE_BACKEND=postgres',
    });
    expect(loadAppConfig({ QUEUE_BACKEND: 'Redis' }).backend).toEqual({
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
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_ALLOWED_CIDRS: ' 10.0.0.0/8, fd00:0:0::/8 ,,169.254.169.254/32',
    });
    expect(config.destinations).toEqual({
      allowPrivateNetworks: true,
      allowedCidrs: ['10.0.0.0/8', 'fd00::/8', '169.254.169.254/32'],
    });
  });

  it.each(['10.0.0.0', '10.1/16', '012.0.0.0/8', '10.0.0.0/33', 'fd00::/129', 'internal'])(
    'refuses %j in WEBHOOK_ALLOWED_CIDRS, naming the variable',
    (entry) => {
      expect(() => loadAppConfig({ WEBHOOK_ALLOWED_CIDRS: `192.168.0.0/16,${entry}` })).toThrow(
        `WEBHOOK_ALLOWED_CIDRS must be a comma-separated list of CIDRs such as 10.0.0.0/8 or fd00::/8 (got "${entry}")`,
      );
    },
  );

  it('refuses a WEBHOOK_ALLOW_PRIVATE_NETWORKS that is not a boolean', () => {
    expect(() => loadAppConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'sometimes' })).toThrow(
      'WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false',
    );
  });

  it('reads every variable the brief names', () => {
    const config = loadAppConfig({
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
});
