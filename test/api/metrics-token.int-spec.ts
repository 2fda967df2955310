import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

describe('METRICS_BEARER_TOKEN', () => {
  const token = 'scrape-token-0123456789';
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp({ METRICS_BEARER_TOKEN: token });
  });
  afterAll(async () => {
    await api.close();
  });

  it('protects /metrics, and only /metrics', async () => {
    expect((await api.request('GET', '/metrics', undefined, { apiKey: null })).status).toBe(401);
    // An API key is not the scrape token.
    expect((await api.request('GET', '/metrics')).status).toBe(401);
    const scraped = await api.request('GET', '/metrics', undefined, { apiKey: token });
    expect(scraped.status).toBe(200);
    expect(String(scraped.body)).toMatch(/^# HELP /m);
    expect((await api.request('GET', '/health', undefined, { apiKey: null })).status).toBe(200);
    const stats = await api.request('GET', '/queue/stats', undefined, { apiKey: null });
    expect(stats.status).toBe(200);
  });

  it('leaves /metrics open when unset', async () => {
    const open = await startTestApp();
    try {
      expect((await open.request('GET', '/metrics', undefined, { apiKey: null })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
