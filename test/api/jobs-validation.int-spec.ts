import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { JobSecretsCipher } from '../../src/secrets/job-secrets.cipher.js';
import { startTestApp, TEST_ADMIN_API_KEY } from '../support/test-app.js';
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
  // PostgreSQL rejects NUL in text and jsonb: each was a 500.
  ['NUL in name', { ...valid, name: 'a\u0000b' }, 'name'],
  ['NUL in description', { ...valid, description: 'a\u0000b' }, 'description'],
  ['NUL in a string body', { ...valid, httpBody: 'a\u0000b' }, 'httpBody'],
  [
    'NUL nested in a JSON body',
    { ...valid, httpBody: { a: [{ b: 'x\u0000' }] } },
    'httpBody.a[0].b',
  ],
  ['NUL in a body key', { ...valid, httpBody: { 'k\u0000': 1 } }, 'httpBody'],
  ['NUL in cronExpression', { ...valid, cronExpression: '0 * * * * *\u0000' }, 'cronExpression'],
  ['NUL in httpUrl', { ...valid, httpUrl: 'http://127.0.0.1:9/\u0000' }, 'httpUrl'],
  // jsonb rejects unpaired surrogates (a 500); text silently stored U+FFFD instead.
  ['lone surrogate in name', { ...valid, name: 'a\uD800' }, 'name'],
  ['lone surrogate in description', { ...valid, description: '\uDC00' }, 'description'],
  ['lone surrogate in a string body', { ...valid, httpBody: '\uD800' }, 'httpBody'],
  ['lone surrogate in a JSON body', { ...valid, httpBody: { a: ['\uDBFF'] } }, 'httpBody.a[0]'],
  [
    'lone surrogate in a header value',
    { ...valid, httpHeaders: { 'X-A': '\uD800' } },
    'httpHeaders.X-A',
  ],
  [
    'lone surrogate in cronExpression',
    { ...valid, cronExpression: '0 * * * * *\uD800' },
    'cronExpression',
  ],
  ['lone surrogate in timezone', { ...valid, timezone: 'UTC\uDC00' }, 'timezone'],
  ['lone surrogate in httpUrl', { ...valid, httpUrl: 'http://127.0.0.1:9/\uD800' }, 'httpUrl'],
  // undici refuses these at send time: every attempt would fail.
  [
    'control character in a header value',
    { ...valid, httpHeaders: { 'X-A': 'a\u0001b' } },
    'httpHeaders.X-A',
  ],
  ['DEL in a header value', { ...valid, httpHeaders: { 'X-A': 'a\u007Fb' } }, 'httpHeaders.X-A'],
  ['non-Latin-1 header value', { ...valid, httpHeaders: { 'X-A': '日本' } }, 'httpHeaders.X-A'],
  ['whitespace-only name', { ...valid, name: '  \t ' }, 'name'],
  ['Unicode-space-only name', { ...valid, name: '\u00A0\u2003' }, 'name'],
  ['body nested 33 levels', { ...valid, httpBody: nestedArrays(33) }, 'httpBody'],
  // Nest strips these keys and class-transformer skips them: they passed unnoticed.
  ['__proto__ as a field', { ...valid, ...JSON.parse('{"__proto__": {"x": 1}}') }, '__proto__'],
  ['constructor as a field', { ...valid, constructor: { x: 1 } }, 'constructor'],
  [
    '__proto__ in a body',
    { ...valid, httpBody: JSON.parse('{"a": {"__proto__": 1}}') },
    'httpBody.a.__proto__',
  ],
  // TypeORM's change detection calls value.hasOwnProperty(): such a job could not be PATCHed.
  [
    'hasOwnProperty as a header',
    { ...valid, httpHeaders: { hasOwnProperty: 'x' } },
    'httpHeaders.hasOwnProperty',
  ],
];

/** [what is wrong, the create body as JSON text, the same change as a PATCH, the field] */
const rawBadBodies: Array<[string, string, string, string]> = [
  [
    'a body nested 10,000 levels (arrays)',
    rawCreate(`"httpBody":${'['.repeat(10_000)}${']'.repeat(10_000)}`),
    `{"httpBody":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    'httpBody',
  ],
  [
    'a body nested 10,000 levels (objects)',
    rawCreate(`"httpBody":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
    `{"httpBody":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    'httpBody',
  ],
  [
    'an unknown field nested 10,000 levels',
    rawCreate(`"extra":${'['.repeat(10_000)}${']'.repeat(10_000)}`),
    `{"extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    'extra',
  ],
  [
    'a number beyond float range',
    rawCreate('"timeoutSeconds":1e400'),
    '{"timeoutSeconds":1e400}',
    'timeoutSeconds',
  ],
  [
    'a body number beyond float range',
    rawCreate('"httpBody":{"n":-1e400}'),
    '{"httpBody":{"n":-1e400}}',
    'httpBody.n',
  ],
];

/** A valid create body plus `extra` members, as text (JSON.stringify recurses; this does not). */
function rawCreate(extra: string): string {
  return `{"name":"job","cronExpression":"0 * * * * *","httpUrl":"http://127.0.0.1:9/hook",${extra}}`;
}

function nestedArrays(levels: number): unknown {
  return JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
}

/** "cronExpression: cronExpression: ..." or "httpHeaders: httpHeaders.X-A ...": a field named twice. */
const FIELD_NAMED_TWICE = /(?:^|; )([^\s:;]+):? \1[\s:.[]/;

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
    expect(response.body.message).not.toMatch(FIELD_NAMED_TWICE);
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
      expect(response.body.message).not.toMatch(FIELD_NAMED_TWICE);
      expect(await snapshot()).toEqual(before);
    },
  );

  it.each(rawBadBodies)('POST and PATCH with %s', async (_case, create, patch, field) => {
    const before = await snapshot();
    const created = await api.request('POST', '/api/v1/jobs', create);
    const patched = await api.request('PATCH', `/api/v1/jobs/${existingId}`, patch);
    for (const response of [created, patched]) {
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.message).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('rejects a body that is not a JSON object, on create and PATCH', async () => {
    const before = await snapshot();
    for (const body of ['null', '[]', '"job"', '42']) {
      const created = await api.request('POST', '/api/v1/jobs', body);
      const patched = await api.request('PATCH', `/api/v1/jobs/${existingId}`, body);
      expect([created.status, created.body.message]).toEqual([400, 'body must be a JSON object']);
      expect([patched.status, patched.body.message]).toEqual([400, 'body must be a JSON object']);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('applies the same rules to a form-encoded body', async () => {
    const before = await snapshot();
    const response = await fetch(`${api.baseUrl}/api/v1/jobs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${TEST_ADMIN_API_KEY}`,
      },
      body: 'name=a%00b&cronExpression=0+*+*+*+*+*&httpUrl=http%3A%2F%2F127.0.0.1%3A9%2Fhook',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /^name must not contain NUL/,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('stores odd but valid keys, and Latin-1 header values, exactly as sent', async () => {
    const httpBody = {
      'toString ': 'a',
      '': 1,
      nested: { then: [1, { toJSON: 'x' }], 'a.b': null },
    };
    const httpHeaders = { 'X-Greeting': 'café', 'X-Tab': 'a\tb' };
    const created = await api.request('POST', '/api/v1/jobs', { ...valid, httpBody, httpHeaders });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const [row] = await db.query<Array<{ http_body: unknown; http_target_sealed: string }>>(
      'SELECT http_body, http_target_sealed FROM jobs WHERE id = $1',
      [id],
    );
    expect(row!.http_body).toEqual(httpBody);
    // Header values are stored sealed (the clear column holds the redacted copy).
    const target = api.app.get(JobSecretsCipher).openTarget(id, row!.http_target_sealed);
    expect(target.headers).toEqual(httpHeaders);

    const changedBody = { ...httpBody, '': 2 };
    const patched = await api.request('PATCH', `/api/v1/jobs/${id}`, {
      httpBody: changedBody,
      name: ' padded ',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ httpBody: changedBody, name: ' padded ' });
  });

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
      // Each of these was a 500 (NUL reached PostgreSQL; the page made an impossible OFFSET)
      // or silently ignored (Nest strips __proto__ and constructor).
      ['/api/v1/jobs?search=%00', 'search'],
      ['/api/v1/jobs?page=99999999999999999999', 'page'],
      ['/api/v1/jobs?__proto__=1', '__proto__'],
      ['/api/v1/jobs?constructor=1', 'constructor'],
      ['/api/v1/cron/next?expression=%00', 'expression'],
      ['/api/v1/cron/next?expression=0%20*%20*%20*%20*%20*&timezone=UTC%00', 'timezone'],
      [`/api/v1/jobs/${existingId}/history?cursor=%00`, 'cursor'],
      ['/api/v1/dlq?cursor=%00', 'cursor'],
    ];
    for (const [path, field] of cases) {
      const response = await api.request('GET', path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.body.message).toContain(field);
      expect(response.body.message).not.toMatch(FIELD_NAMED_TWICE);
    }
  });
});
