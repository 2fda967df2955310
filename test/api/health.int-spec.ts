import { afterEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { quoteIdentifier, withAdminClient } from '../support/postgres-admin.js';
import { freePort } from '../support/service-process.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

describe('GET /health', () => {
  let api: TestApp | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('is 200 when PostgreSQL and Redis answer', async () => {
    api = await startTestApp();
    const response = await api.request('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      details: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('is 503 naming Redis when Redis does not answer', async () => {
    api = await startTestApp({ REDIS_PORT: String(await freePort()) /* nothing listens there */ });
    const response = await api.request('GET', '/health');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ status: 'error', message: 'down: redis' });
    expect(response.body.error).toHaveProperty('redis.status', 'down');
    expect(response.body.details).toHaveProperty('postgres.status', 'up');
  });

  it('on the PostgreSQL backend, checks PostgreSQL only: no Redis is needed', async () => {
    api = await startTestApp({
      QUEUE_BACKEND: 'postgres',
      REDIS_PORT: String(await freePort()) /* nothing listens there */,
    });
    const response = await api.request('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', details: { postgres: { status: 'up' } } });
    expect(Object.keys(response.body.details as object)).toEqual(['postgres']);
  });

  it('is 503 naming PostgreSQL when the database refuses connections', async () => {
    api = await startTestApp();
    const name = api.config.database.name;
    await withAdminClient(async (client) => {
      await client.query(`ALTER DATABASE ${quoteIdentifier(name)} ALLOW_CONNECTIONS false`);
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
    });
    try {
      const response = await api.request('GET', '/health');
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ status: 'error', message: 'down: postgres' });
      expect(response.body.error).toHaveProperty('postgres.status', 'down');
      expect(response.body.details).toHaveProperty('redis.status', 'up');
    } finally {
      await withAdminClient((client) =>
        client.query(`ALTER DATABASE ${quoteIdentifier(name)} ALLOW_CONNECTIONS true`),
      );
    }
    // Once the database is back, the pool reconnects and the service is ready again.
    expect(api.app.get(DataSource).isInitialized).toBe(true);
    const recovered = await api.request('GET', '/health');
    expect(recovered.status).toBe(200);
  });
});
