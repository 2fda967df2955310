import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const valid = {
  name: 'job',
  cronExpression: '0 * * * * *',
  httpUrl: 'http://127.0.0.1:9/hook',
};

/** [what is wrong, the body, a field the message must name] */
const badCreates: Array<[string, Record<string, unknown>, string]> = [
  ['missing name', { ...valid, name: undefined }, 'name'],
  ['empty name', { ...valid, name: '' }, 'name'],
  ['name too long', { ...valid, name: 'x'.repeat(201) }, 'name'],
  ['null name', { ...valid, name: null }, 'name'],
  ['missing cronExpression', { ...valid, cronExpression: undefined }, 'cronExpression'],
  ['second out of range', { ...valid, cronExpression: '60 * * * * *' }, 'cronExpression'],
  ['seven fields', { ...valid, cronExpression: '* * * * * * *' }, 'cronExpression'],
  ['unknown weekday', { ...valid, cronExpression: '0 0 0 * * FOO' }, 'cronExpression'],
  ['empty expression', { ...valid, cronExpression: '' }, 'cronExpression'],
  ['numeric expression', { ...valid, cronExpression: 5 }, 'cronExpression'],
  ['unknown time zone', { ...valid, timezone: 'Mars/Olympus' }, 'timezone'],
  ['offset as time zone', { ...valid, timezone: '+02:00' }, 'timezone'],
  ['null time zone', { ...valid, timezone: null }, 'timezone'],
  ['bad method', { ...valid, httpMethod: 'TRACE' }, 'httpMethod'],
  ['missing url', { ...valid, httpUrl: undefined }, 'httpUrl'],
  ['relative url', { ...valid, httpUrl: '/hook' }, 'httpUrl'],
  ['ftp url', { ...valid, httpUrl: 'ftp://127.0.0.1/x' }, 'httpUrl'],
  ['malformed url', { ...valid, httpUrl: 'http://' }, 'httpUrl'],
  ['headers as array', { ...valid, httpHeaders: ['a'] }, 'httpHeaders'],
  ['header value not a string', { ...valid, httpHeaders: { 'X-A': 1 } }, 'httpHeaders'],
  ['header injection', { ...valid, httpHeaders: { 'X-A': 'a\r\nX-B: b' } }, 'httpHeaders'],
  ['bad header name', { ...valid, httpHeaders: { 'X A': 'a' } }, 'httpHeaders'],
  ['reserved header', { ...valid, httpHeaders: { 'X-Execution-Id': 'a' } }, 'X-Execution-Id'],
  ['body too large', { ...valid, httpBody: 'x'.repeat(70_000) }, 'httpBody'],
  ['body with GET', { ...valid, httpMethod: 'GET', httpBody: 'x' }, 'httpBody'],
  ['bad execution type', { ...valid, executionType: 'EXACTLY_ONCE' }, 'executionType'],
  ['timeout zero', { ...valid, timeoutSeconds: 0 }, 'timeoutSeconds'],
  ['timeout over the limit', { ...valid, timeoutSeconds: 91 }, 'timeoutSeconds'],
  ['timeout as string', { ...valid, timeoutSeconds: '30' }, 'timeoutSeconds'],
  ['retry attempts zero', { ...valid, retryPolicy: { maxAttempts: 0 } }, 'retryPolicy.maxAttempts'],
  [
    'retry bounds inverted',
    { ...valid, retryPolicy: { initialBackoffMs: 5000, maxBackoffMs: 1000 } },
    'retryPolicy.maxBackoffMs',
  ],
  ['retry unknown field', { ...valid, retryPolicy: { factor: 3 } }, 'retryPolicy.factor'],
  ['retry as string', { ...valid, retryPolicy: 'often' }, 'retryPolicy'],
  ['bad misfire policy', { ...valid, misfirePolicy: 'SOMETIMES' }, 'misfirePolicy'],
  ['isActive as string', { ...valid, isActive: 'true' }, 'isActive'],
  ['unknown field', { ...valid, colour: 'red' }, 'colour'],
  ['server-owned id', { ...valid, id: '00000000-0000-4000-8000-000000000000' }, 'id'],
  ['server-owned createdAt', { ...valid, createdAt: '2020-01-01T00:00:00Z' }, 'createdAt'],
  ['server-owned nextRunAt', { ...valid, nextRunAt: '2020-01-01T00:00:00Z' }, 'nextRunAt'],
  ['server-owned deletedAt', { ...valid, deletedAt: null }, 'deletedAt'],
  ['server-owned status', { ...valid, status: 'RUNNING' }, 'status'],
];

describe('jobs API: bad input gets a 400 naming the field and changes nothing', () => {
  let api: TestApp;
  let db: DataSource;
  let existingId: string;

  beforeAll(async () => {
    api = await startTestApp();
    db = api.app.get(DataSource);
    const created = await api.request('POST', '/api/v1/jobs', valid);
    existingId = created.body.id as string;
  });
  afterAll(async () => {
    await api.close();
  });

  async function snapshot(): Promise<unknown> {
    return db.query('SELECT * FROM jobs ORDER BY id');
  }

  it.each(badCreates)('POST with %s', async (_case, body, field) => {
    const before = await snapshot();
    const response = await api.request('POST', '/api/v1/jobs', body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(typeof response.body.message).toBe('string');
    expect(response.body.message).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it.each(badCreates.filter(([name]) => !name.startsWith('missing')))(
    'PATCH with %s',
    async (_case, body, field) => {
      const change = Object.fromEntries(
        Object.entries(body).filter(
          ([key]) => !(key in valid) || body[key] !== valid[key as keyof typeof valid],
        ),
      );
      const before = await snapshot();
      const response = await api.request('PATCH', `/api/v1/jobs/${existingId}`, change);
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('rejects a body that is not JSON', async () => {
    const response = await api.request('POST', '/api/v1/jobs', '{"name": ');
    expect(response.status).toBe(400);
  });

  it('answers 413 for a body over the limit and writes nothing', async () => {
    const before = await snapshot();
    const response = await api.request('POST', '/api/v1/jobs', {
      ...valid,
      description: 'x'.repeat(api.config.server.bodyLimitBytes),
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413 });
    expect(await snapshot()).toEqual(before);
  });

  it('validates query parameters', async () => {
    const cases: Array<[string, string]> = [
      ['/api/v1/jobs?limit=0', 'limit'],
      ['/api/v1/jobs?limit=abc', 'limit'],
      ['/api/v1/jobs?page=-1', 'page'],
      ['/api/v1/jobs?isActive=maybe', 'isActive'],
      ['/api/v1/jobs?sort=name', 'sort'],
      [`/api/v1/jobs/${existingId}/schedule?count=1001`, 'count'],
      [`/api/v1/jobs/${existingId}/schedule?count=0`, 'count'],
      [`/api/v1/jobs/${existingId}/schedule?from=yesterday`, 'from'],
      [`/api/v1/jobs/${existingId}/history?status=DONE`, 'status'],
      [`/api/v1/jobs/${existingId}/history?limit=501`, 'limit'],
      [`/api/v1/jobs/${existingId}/history?cursor=bm9wZQ`, 'cursor'],
    ];
    for (const [path, field] of cases) {
      const response = await api.request('GET', path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.body.message).toContain(field);
    }
  });
});
