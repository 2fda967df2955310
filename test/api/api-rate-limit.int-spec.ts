import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUE_BACKENDS } from '../../src/config/app-config.js';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

describe.each(QUEUE_BACKENDS)(
  'per-key API rate limit on %s, shared by every API replica',
  (backend) => {
    let first: TestApp;
    let second: TestApp;
    const limited = {
      QUEUE_BACKEND: backend,
      API_RATE_LIMIT: '5',
      API_RATE_LIMIT_WINDOW_SECONDS: '60',
    };

    beforeAll(async () => {
      // Two replicas on one store (a Redis prefix, a database): the budget is the key's, not
      // the process's.
      first = await startTestApp(limited);
      second = await startTestApp(
        { ...limited, REDIS_KEY_PREFIX: first.config.redis.keyPrefix },
        { sharedWith: first },
      );
    });
    afterAll(async () => {
      await second.close();
      await first.close();
    });

    it('answers 429 with Retry-After once a key spent its budget, counted across replicas', async () => {
      // The bootstrap admin key is the same key on both replicas.
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await first.request('GET', '/api/v1/jobs'));
      for (let i = 0; i < 2; i++) answers.push(await second.request('GET', '/api/v1/jobs'));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers[0]!.headers.get('x-ratelimit-limit')).toBe('5');
      expect(answers[4]!.headers.get('x-ratelimit-remaining')).toBe('0');

      const limited = await second.request('GET', '/api/v1/jobs');
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.body.message).toMatch(/rate limit of 5/);
      expect((await first.request('GET', '/api/v1/jobs')).status).toBe(429);
    });

    it('gives every key its own budget and does not count unauthenticated requests', async () => {
      const app = await startTestApp({ QUEUE_BACKEND: backend, API_RATE_LIMIT: '2' });
      try {
        for (let i = 0; i < 5; i++) {
          expect(
            (await app.request('GET', '/api/v1/jobs', undefined, { apiKey: null })).status,
          ).toBe(401);
        }
        const key = await app.request('POST', `/api/v1/tenants/${DEFAULT_TENANT_ID}/api-keys`, {
          scopes: ['jobs:read'],
        });
        expect(key.status).toBe(201);
        const as = { apiKey: key.body.key as string };
        expect((await app.request('GET', '/api/v1/jobs', undefined, as)).status).toBe(200);
        expect((await app.request('GET', '/api/v1/jobs', undefined, as)).status).toBe(200);
        expect((await app.request('GET', '/api/v1/jobs', undefined, as)).status).toBe(429);
        // The admin key spent one request (minting); it has one left.
        expect((await app.request('GET', '/api/v1/jobs')).status).toBe(200);
      } finally {
        await app.close();
      }
    });
  },
);
