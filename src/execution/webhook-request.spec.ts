import { describe, expect, it } from '@jest/globals';
import { buildWebhookRequest } from './webhook-request.js';
import type { WebhookRequestInput } from './webhook-request.js';

function input(overrides: Partial<WebhookRequestInput> = {}): WebhookRequestInput {
  return {
    jobId: '5f0c6a52-8f0e-4a39-9a57-1b9d3c6f2e10',
    executionId: '0b7e3c1d-2f4a-4e8b-a6c9-7d5e1f3a9b20',
    scheduledAt: new Date(Date.UTC(2025, 2, 9, 7, 30, 0, 0)),
    attempt: 1,
    method: 'POST',
    url: 'https://hooks.example.com/run?x=1',
    headers: {},
    body: null,
    version: '0.1.0',
    ...overrides,
  };
}

describe('buildWebhookRequest', () => {
  it('adds the contract headers: ids, scheduled instant in UTC with milliseconds, attempt, agent', () => {
    const request = buildWebhookRequest(input({ attempt: 3 }));
    expect(request.headers).toEqual({
      'X-Job-Id': '5f0c6a52-8f0e-4a39-9a57-1b9d3c6f2e10',
      'X-Execution-Id': '0b7e3c1d-2f4a-4e8b-a6c9-7d5e1f3a9b20',
      'X-Scheduled-At': '2025-03-09T07:30:00.000Z',
      'X-Attempt': '3',
      'User-Agent': 'job-scheduler/0.1.0',
    });
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://hooks.example.com/run?x=1');
    expect(request.body).toBeUndefined();
  });

  it('keeps the milliseconds of the scheduled instant', () => {
    const scheduledAt = new Date(Date.UTC(2025, 0, 1, 0, 0, 5, 7));
    expect(buildWebhookRequest(input({ scheduledAt })).headers['X-Scheduled-At']).toBe(
      '2025-01-01T00:00:05.007Z',
    );
  });

  it('sends the same X-Execution-Id on every attempt', () => {
    const ids = [1, 2, 5].map(
      (attempt) => buildWebhookRequest(input({ attempt })).headers['X-Execution-Id'],
    );
    expect(new Set(ids).size).toBe(1);
  });

  it("passes the job's own headers through", () => {
    const request = buildWebhookRequest(
      input({ headers: { Authorization: 'Bearer t', 'X-Tenant': 'acme' } }),
    );
    expect(request.headers).toMatchObject({ Authorization: 'Bearer t', 'X-Tenant': 'acme' });
  });

  it.each([
    'x-job-id',
    'X-EXECUTION-ID',
    'X-Scheduled-At',
    'x-attempt',
    'user-agent',
    'webhook-id',
    'Webhook-Timestamp',
    'WEBHOOK-SIGNATURE',
  ])('does not let the job override the contract header %s', (name) => {
    const request = buildWebhookRequest(input({ headers: { [name]: 'spoofed' } }));
    expect(Object.values(request.headers)).not.toContain('spoofed');
    expect(request.headers['User-Agent']).toBe('job-scheduler/0.1.0');
  });

  it.each(['Host', 'content-length', 'Transfer-Encoding', 'connection', 'Expect'])(
    'drops the framing header %s, which the HTTP client owns',
    (name) => {
      const request = buildWebhookRequest(input({ headers: { [name]: '1' } }));
      expect(Object.keys(request.headers).map((key) => key.toLowerCase())).not.toContain(
        name.toLowerCase(),
      );
    },
  );

  it('serialises a JSON object body and marks it application/json', () => {
    const request = buildWebhookRequest(input({ body: { report: 'daily', ids: [1, 2] } }));
    expect(request.body).toBe('{"report":"daily","ids":[1,2]}');
    expect(request.headers['Content-Type']).toBe('application/json');
  });

  it.each([
    [[1, 'two'], '[1,"two"]'],
    [42, '42'],
    [false, 'false'],
  ])('serialises the JSON body %j', (body, expected) => {
    const request = buildWebhookRequest(input({ body }));
    expect(request.body).toBe(expected);
    expect(request.headers['Content-Type']).toBe('application/json');
  });

  it("keeps the job's content type for a JSON body, whatever its case", () => {
    const request = buildWebhookRequest(
      input({ body: { a: 1 }, headers: { 'content-TYPE': 'application/vnd.acme+json' } }),
    );
    expect(request.headers['content-TYPE']).toBe('application/vnd.acme+json');
    expect(request.headers['Content-Type']).toBeUndefined();
  });

  it('sends a string body as it is, without adding a content type', () => {
    const body = '  {"not": "re-encoded"}\n';
    const request = buildWebhookRequest(input({ body }));
    expect(request.body).toBe(body);
    expect(request.headers['Content-Type']).toBeUndefined();
  });

  it('sends an empty string body as an empty body', () => {
    expect(buildWebhookRequest(input({ body: '' })).body).toBe('');
  });

  it('moves URL credentials into a Basic Authorization header', () => {
    const request = buildWebhookRequest(
      input({ url: 'https://al%40ice:s3cr%3At@hooks.example.com/run?x=1' }),
    );
    expect(request.url).toBe('https://hooks.example.com/run?x=1');
    expect(request.headers['Authorization']).toBe(
      `Basic ${Buffer.from('al@ice:s3cr:t').toString('base64')}`,
    );
  });

  it("keeps the job's Authorization header over URL credentials, and still strips them", () => {
    const request = buildWebhookRequest(
      input({ url: 'https://u:p@hooks.example.com/', headers: { authorization: 'Bearer t' } }),
    );
    expect(request.url).toBe('https://hooks.example.com/');
    expect(request.headers).toMatchObject({ authorization: 'Bearer t' });
    expect(request.headers['Authorization']).toBeUndefined();
  });

  it('leaves an unparsable URL for the client to report', () => {
    expect(buildWebhookRequest(input({ url: 'not a url' })).url).toBe('not a url');
  });

  it.each([0, -1, 1.5])('rejects attempt %p (attempts are 1-based)', (attempt) => {
    expect(() => buildWebhookRequest(input({ attempt }))).toThrow(RangeError);
  });
});
