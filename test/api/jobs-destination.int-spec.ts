import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

/** Internal destinations in every encoding the API can recognise without DNS. */
const LOOPBACK_URLS = [
  'http://127.0.0.1:8080/hook',
  'http://127.1/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0177.0.0.1/',
  'http://0x7f.1/',
  'http://017700000001/',
  'http://127.0.0.1./',
  'http://%31%32%37.0.0.1/',
  'http://[::1]:8080/',
  'http://[::ffff:127.0.0.1]/',
  'http://[0:0:0:0:0:ffff:7f00:1]/',
  'http://localhost:8080/',
  'http://LOCALHOST./',
  'http://foo.localhost/',
  'http://example.com@127.0.0.1/',
  'https://user:secret@127.0.0.1/',
];

const PRIVATE_URLS = [
  'http://10.0.0.1/',
  'http://172.16.0.1/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://[fd00::1]/',
];

/** Refused even with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true. */
const NEVER_URLS = [
  'http://169.254.169.254/latest/meta-data/',
  'http://[::ffff:169.254.169.254]/latest/meta-data/',
  'http://[fe80::1]/',
  'http://0/',
  'http://[::]/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  'http://192.0.2.1/',
  'http://198.18.0.1/',
  'http://240.0.0.1/',
  'http://[2001:db8::1]/',
  'http://[::127.0.0.1]/',
  'http://[64:ff9b::7f00:1]/',
  'http://[2002:7f00:1::1]/',
];

const NOT_HTTP = [
  'ftp://example.com/x',
  'file:///etc/passwd',
  'gopher://example.com/',
  'ws://example.com/',
  'javascript:alert(1)',
  'data:text/plain,hi',
];

const PUBLIC_URLS = [
  'https://example.com/hook',
  // Credentials in userinfo stay allowed (sent as Basic auth).
  'https://robot:s3cret@example.com/hook',
  // Userinfo that looks like an address is only a user name.
  'http://127.0.0.1@example.com/',
  'http://8.8.8.8/',
  'http://[2606:4700:4700::1111]/',
  // A name is judged when it resolves, at connect time.
  'http://127.0.0.1.nip.io/',
];

const job = (httpUrl: string) => ({ name: 'ssrf', cronExpression: '0 0 * * * *', httpUrl });

describe('jobs API with the SSRF guard on (the default)', () => {
  let api: TestApp;
  let db: DataSource;
  let existingId: string;

  beforeAll(async () => {
    api = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
    db = api.app.get(DataSource);
    const created = await api.request('POST', '/api/v1/jobs', job('https://example.com/hook'));
    expect(created.status).toBe(201);
    existingId = created.body.id as string;
  });

  afterAll(async () => {
    await api.close();
  });

  const snapshot = (): Promise<unknown> => db.query('SELECT * FROM jobs ORDER BY id');

  it.each([...LOOPBACK_URLS, ...PRIVATE_URLS, ...NEVER_URLS])(
    'POST %s is a 400 naming httpUrl, and writes nothing',
    async (url) => {
      const before = await snapshot();
      const response = await api.request('POST', '/api/v1/jobs', job(url));
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/^httpUrl is not an allowed destination: /);
      expect(await snapshot()).toEqual(before);
    },
  );

  it.each([...LOOPBACK_URLS, ...NEVER_URLS])(
    'PATCH to %s is a 400 naming httpUrl, and writes nothing',
    async (url) => {
      const before = await snapshot();
      const response = await api.request('PATCH', `/api/v1/jobs/${existingId}`, { httpUrl: url });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/^httpUrl is not an allowed destination: /);
      expect(await snapshot()).toEqual(before);
    },
  );

  it.each(NOT_HTTP)('POST %s (not http or https) is a 400 naming httpUrl', async (url) => {
    const response = await api.request('POST', '/api/v1/jobs', job(url));
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/httpUrl/);
  });

  it('names the address and its class', async () => {
    const response = await api.request('POST', '/api/v1/jobs', job('http://2130706433/'));
    expect(response.body.message).toBe(
      'httpUrl is not an allowed destination: 127.0.0.1 is a loopback address (WEBHOOK_ALLOWED_CIDRS / WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
    );
    const metadata = await api.request('POST', '/api/v1/jobs', job('http://169.254.169.254/'));
    expect(metadata.body.message).toBe(
      'httpUrl is not an allowed destination: 169.254.169.254 is a link-local address (where cloud metadata services live) (WEBHOOK_ALLOWED_CIDRS)',
    );
  });

  it.each(PUBLIC_URLS)('accepts %s', async (url) => {
    const response = await api.request('POST', '/api/v1/jobs', job(url));
    expect(response.status).toBe(201);
  });

  it('still lets a job keep a URL it already has (pausing it changes nothing else)', async () => {
    // Stored while the guard was relaxed (or before it existed).
    await db.query('UPDATE jobs SET http_url = $1 WHERE id = $2', [
      'http://127.0.0.1:9/old',
      existingId,
    ]);
    const paused = await api.request('PATCH', `/api/v1/jobs/${existingId}`, { isActive: false });
    expect(paused.status).toBe(200);
    expect(paused.body.httpUrl).toBe('http://127.0.0.1:9/old');
  });
});

describe('jobs API with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([...LOOPBACK_URLS, ...PRIVATE_URLS])('accepts %s', async (url) => {
    const response = await api.request('POST', '/api/v1/jobs', job(url));
    expect(response.status).toBe(201);
  });

  it.each(NEVER_URLS)('still refuses %s', async (url) => {
    const response = await api.request('POST', '/api/v1/jobs', job(url));
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^httpUrl is not an allowed destination: /);
  });
});

describe('jobs API with WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8,169.254.169.254/32', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,169.254.169.254/32',
    });
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([
    'http://2130706433/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost/',
    'http://169.254.169.254/latest/meta-data/',
  ])('accepts %s', async (url) => {
    expect((await api.request('POST', '/api/v1/jobs', job(url))).status).toBe(201);
  });

  it.each(['http://[::1]/', 'http://10.0.0.1/', 'http://169.254.169.253/'])(
    'refuses %s, outside the ranges',
    async (url) => {
      expect((await api.request('POST', '/api/v1/jobs', job(url))).status).toBe(400);
    },
  );
});
