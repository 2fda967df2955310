import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const JSON_WITHOUT_BODY = { headers: { 'content-type': 'application/json' } };

describe('content-type: application/json with no body', () => {
  let api: TestApp;
  let jobId: string;

  beforeAll(async () => {
    api = await startTestApp();
    const created = await api.request('POST', '/api/v1/jobs', {
      name: 'trigger-me',
      cronExpression: '0 0 0 1 1 *',
      httpUrl: 'http://127.0.0.1:9/hook',
    });
    jobId = created.body.id as string;
  });
  afterAll(async () => {
    await api.close();
  });

  it('is accepted where the route takes no body: POST .../trigger is a 202', async () => {
    const response = await api.request(
      'POST',
      `/api/v1/jobs/${jobId}/trigger`,
      undefined,
      JSON_WITHOUT_BODY,
    );
    expect(response.status).toBe(202);
    expect(response.body.executionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is a 400 naming every required field where the route needs a body, and writes nothing', async () => {
    const jobs = () => api.app.get(DataSource).query('SELECT id FROM jobs ORDER BY id');
    const before = await jobs();
    const response = await api.request('POST', '/api/v1/jobs', undefined, JSON_WITHOUT_BODY);
    expect(response.status).toBe(400);
    expect(String(response.body.message).split('; ').sort()).toEqual([
      'cronExpression is required',
      'httpUrl is required',
      'name is required',
    ]);
    expect(await jobs()).toEqual(before);
  });

  it('leaves every non-empty body to the JSON parser: malformed and poisoned bodies are 400', async () => {
    const malformed = await api.request('POST', `/api/v1/jobs/${jobId}/trigger`, '{');
    expect(malformed.status).toBe(400);
    const poisoned = await api.request('POST', '/api/v1/jobs', '{"__proto__": {"isAdmin": true}}');
    expect(poisoned.status).toBe(400);
  });
});
