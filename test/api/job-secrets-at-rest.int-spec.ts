import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SecretDecryptionError } from '../../src/secrets/secret-decryption.error.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';
import { testJobSecretsCipher } from '../support/test-secrets.js';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';

const cipher = testJobSecretsCipher();

interface JobRow {
  http_url: string;
  http_headers: Record<string, string>;
  http_target_sealed: string | null;
  signing_secret_sealed: string | null;
  row_text: string;
}

describe('job secrets at rest: redacted in clear, real values sealed, kept on PATCH', () => {
  let api: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    api = await startTestApp();
    db = api.app.get(DataSource);
  });
  afterAll(async () => {
    await api.close();
  });

  function canary(label: string): string {
    return `${label}${randomBytes(6).toString('hex')}`;
  }

  async function row(id: string): Promise<JobRow> {
    const rows = await db.query<JobRow[]>(
      `SELECT http_url, http_headers, http_target_sealed, signing_secret_sealed,
              to_jsonb(j)::text AS row_text
       FROM jobs j WHERE id = $1`,
      [id],
    );
    if (!rows[0]) throw new Error(`no job ${id}`);
    return rows[0];
  }

  async function realTarget(id: string) {
    const { http_target_sealed: sealed } = await row(id);
    if (sealed === null) throw new Error('target not sealed');
    return cipher.openTarget(id, sealed);
  }

  async function create(body: Record<string, unknown>): Promise<string> {
    const created = await api.request('POST', '/api/v1/jobs', {
      name: 'secrets',
      cronExpression: '0 0 * * * *',
      ...body,
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  it('keeps no secret in any column: redacted copies in clear, the real values sealed', async () => {
    const [user, password, key, sig, token, webhookKey] = [
      'user',
      'pass',
      'key',
      'sig',
      'tok',
      'whk',
    ].map(canary);
    const url = `https://${user}:${password}@example.com/hook?key=${key}&sig=${sig}&team=t`;
    const headers = {
      Authorization: `Bearer ${token}`,
      'X-Webhook-Key': webhookKey!,
      'Content-Type': 'application/json',
    };
    const id = await create({ httpUrl: url, httpHeaders: headers });

    const stored = await row(id);
    for (const secret of [user, password, key, sig, token, webhookKey]) {
      expect(stored.row_text).not.toContain(secret);
    }
    expect(stored.http_url).toBe(
      'https://[REDACTED]@example.com/hook?key=[REDACTED]&sig=[REDACTED]&team=[REDACTED]',
    );
    expect(stored.http_headers).toEqual({
      Authorization: '[REDACTED]',
      'X-Webhook-Key': '[REDACTED]',
      'Content-Type': 'application/json',
    });
    expect(await realTarget(id)).toEqual({ url, headers });
  });

  it('binds each sealed value to its row: copied into another job it does not open', async () => {
    const id = await create({ httpUrl: 'https://example.com/?key=k' });
    const { http_target_sealed: sealed, signing_secret_sealed: secret } = await row(id);
    expect(() => cipher.openTarget(randomUUID(), sealed!)).toThrow(SecretDecryptionError);
    expect(() => cipher.openSigningSecret(randomUUID(), secret!)).toThrow(SecretDecryptionError);
  });

  it('PATCHing back what GET returned keeps every stored secret', async () => {
    const url = `https://bot:${canary('pw')}@example.com/hook?key=${canary('k')}&key=${canary('k')}&plain`;
    const headers = { Authorization: `Bearer ${canary('t')}`, Accept: 'text/plain' };
    const id = await create({ httpUrl: url, httpHeaders: headers });
    const read = await api.request('GET', `/api/v1/jobs/${id}`);
    expect(read.body.httpUrl).toBe(
      'https://[REDACTED]@example.com/hook?key=[REDACTED]&key=[REDACTED]&[REDACTED]',
    );

    const patched = await api.request('PATCH', `/api/v1/jobs/${id}`, {
      httpUrl: read.body.httpUrl,
      httpHeaders: read.body.httpHeaders,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.httpUrl).toBe(read.body.httpUrl);
    expect(await realTarget(id)).toEqual({ url, headers });
  });

  it('keeps per header and per URL part, and takes what is new', async () => {
    const token = canary('t');
    const id = await create({
      httpUrl: `https://bot:pw@example.com/a?key=${token}&team=x`,
      httpHeaders: { Authorization: `Bearer ${token}`, 'X-Webhook-Key': 'old', 'X-Gone': 'g' },
    });
    const patched = await api.request('PATCH', `/api/v1/jobs/${id}`, {
      httpUrl: 'https://[REDACTED]@example.org/b?key=[REDACTED]&team=y',
      httpHeaders: { authorization: '[REDACTED]', 'X-Webhook-Key': 'new' },
    });
    expect(patched.status).toBe(200);
    expect(await realTarget(id)).toEqual({
      url: `https://bot:pw@example.org/b?key=${token}&team=y`,
      headers: { authorization: `Bearer ${token}`, 'X-Webhook-Key': 'new' },
    });
  });

  it('answers 400 naming the field for a [REDACTED] with nothing stored, and writes nothing', async () => {
    const rejectedCreate = await api.request('POST', '/api/v1/jobs', {
      name: 'placeholder',
      cronExpression: '0 0 * * * *',
      httpUrl: 'https://example.com/',
      httpHeaders: { 'X-Api-Key': '[REDACTED]' },
    });
    expect(rejectedCreate.status).toBe(400);
    expect(rejectedCreate.body.message).toContain('httpHeaders.X-Api-Key');
    const [counted] = await db.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM jobs WHERE name = 'placeholder'`,
    );
    expect(counted?.count).toBe(0);

    const id = await create({ httpUrl: 'https://example.com/?a=1', httpHeaders: { A: 'a' } });
    const before = await row(id);
    for (const change of [
      { httpUrl: 'https://[REDACTED]@example.com/?a=1' },
      { httpUrl: 'https://example.com/?b=[REDACTED]' },
      { httpHeaders: { B: '[REDACTED]' } },
    ]) {
      const rejected = await api.request('PATCH', `/api/v1/jobs/${id}`, {
        name: 'renamed',
        ...change,
      });
      expect(rejected.status).toBe(400);
      expect(rejected.body.message).toContain('httpUrl' in change ? 'httpUrl' : 'httpHeaders.B');
    }
    expect(await row(id)).toEqual(before);
    expect((await api.request('GET', `/api/v1/jobs/${id}`)).body.name).toBe('secrets');
  });

  it('reads the real values of a row stored before encryption at rest when it is PATCHed', async () => {
    const token = canary('legacy');
    const [inserted] = await db.query<Array<{ id: string }>>(
      `INSERT INTO jobs (tenant_id, name, cron_expression, http_url, http_headers, retry_policy, version)
       VALUES ($3, 'legacy', '0 0 * * * *', $1, $2::jsonb,
               '{"maxAttempts": 3, "initialBackoffMs": 1000, "maxBackoffMs": 60000}', 1)
       RETURNING id`,
      [
        `https://example.com/?key=${token}`,
        JSON.stringify({ Authorization: token }),
        DEFAULT_TENANT_ID,
      ],
    );
    const id = inserted!.id;
    const read = await api.request('GET', `/api/v1/jobs/${id}`);
    expect(JSON.stringify(read.body)).not.toContain(token);

    const patched = await api.request('PATCH', `/api/v1/jobs/${id}`, {
      httpHeaders: { ...read.body.httpHeaders, 'X-Extra': 'e' },
    });
    expect(patched.status).toBe(200);
    expect(await realTarget(id)).toEqual({
      url: `https://example.com/?key=${token}`,
      headers: { Authorization: token, 'X-Extra': 'e' },
    });
    expect((await row(id)).row_text).not.toContain(token);
  });
});
