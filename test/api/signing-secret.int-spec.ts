import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';
import { testJobSecretsCipher } from '../support/test-secrets.js';

const cipher = testJobSecretsCipher();
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface SecretRow {
  signing_secret_sealed: string | null;
  previous_signing_secret_sealed: string | null;
  previous_signing_secret_expires_at: Date | null;
  seconds_left: number | null;
}

describe('signing secrets: shown once at create, rotated with a grace period', () => {
  let api: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    api = await startTestApp();
    db = api.app.get(DataSource);
  });
  afterAll(async () => {
    await api.close();
  });

  async function createJob(): Promise<{ id: string; signingSecret: string }> {
    const created = await api.request('POST', '/api/v1/jobs', {
      name: 'signed',
      cronExpression: '0 0 * * * *',
      httpUrl: 'https://example.com/hook',
    });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, signingSecret: created.body.signingSecret as string };
  }

  async function secrets(id: string): Promise<SecretRow> {
    const rows = await db.query<SecretRow[]>(
      `SELECT signing_secret_sealed, previous_signing_secret_sealed,
              previous_signing_secret_expires_at,
              extract(epoch FROM previous_signing_secret_expires_at - clock_timestamp())::float8
                AS seconds_left
       FROM jobs WHERE id = $1`,
      [id],
    );
    return rows[0]!;
  }

  it('returns a whsec_ secret of 32 random bytes at create, and never again', async () => {
    const { id, signingSecret } = await createJob();
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(signingSecret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const { signing_secret_sealed: sealed } = await secrets(id);
    expect(cipher.openSigningSecret(id, sealed!)).toBe(signingSecret);

    const responses = [
      await api.request('GET', `/api/v1/jobs/${id}`),
      await api.request('GET', '/api/v1/jobs?limit=200'),
      await api.request('PATCH', `/api/v1/jobs/${id}`, { description: 'changed' }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(JSON.stringify(response.body)).not.toContain(signingSecret.slice(6));
      expect(JSON.stringify(response.body)).not.toContain('signingSecret');
    }
    expect((await createJob()).signingSecret).not.toBe(signingSecret);
  });

  it('rotates: the new secret once, the previous one signing for the default day', async () => {
    const { id, signingSecret: first } = await createJob();
    const rotated = await api.request('POST', `/api/v1/jobs/${id}/signing-secret/rotate`);
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual(['previousSecretExpiresAt', 'signingSecret']);
    const second = rotated.body.signingSecret as string;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);

    const row = await secrets(id);
    expect(cipher.openSigningSecret(id, row.signing_secret_sealed!)).toBe(second);
    expect(cipher.openSigningSecret(id, row.previous_signing_secret_sealed!)).toBe(first);
    // Judged by the database's clock: one day from its now.
    expect(row.seconds_left).toBeGreaterThan(86_400 - 60);
    expect(row.seconds_left).toBeLessThanOrEqual(86_400);
    expect(rotated.body.previousSecretExpiresAt).toBe(
      row.previous_signing_secret_expires_at!.toISOString(),
    );

    // A later PATCH leaves the rotated secrets alone.
    await api.request('PATCH', `/api/v1/jobs/${id}`, { name: 'renamed' });
    expect((await secrets(id)).signing_secret_sealed).toBe(row.signing_secret_sealed);
  });

  it('keeps only the secret just replaced: rotating again drops the oldest', async () => {
    const { id } = await createJob();
    const second = await api.request('POST', `/api/v1/jobs/${id}/signing-secret/rotate`, {
      graceSeconds: 600,
    });
    const third = await api.request('POST', `/api/v1/jobs/${id}/signing-secret/rotate`, {
      graceSeconds: 60,
    });
    const row = await secrets(id);
    expect(cipher.openSigningSecret(id, row.signing_secret_sealed!)).toBe(third.body.signingSecret);
    expect(cipher.openSigningSecret(id, row.previous_signing_secret_sealed!)).toBe(
      second.body.signingSecret,
    );
    expect(row.seconds_left).toBeLessThanOrEqual(60);
  });

  it('drops the previous secret at once with graceSeconds 0', async () => {
    const { id } = await createJob();
    const rotated = await api.request('POST', `/api/v1/jobs/${id}/signing-secret/rotate`, {
      graceSeconds: 0,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretExpiresAt).toBeNull();
    const row = await secrets(id);
    expect(row.previous_signing_secret_sealed).toBeNull();
    expect(row.previous_signing_secret_expires_at).toBeNull();
  });

  it.each([
    [{ graceSeconds: -1 }, 'graceSeconds'],
    [{ graceSeconds: 2_592_001 }, 'graceSeconds'],
    [{ graceSeconds: '60' }, 'graceSeconds'],
    [{ graceSeconds: 1.5 }, 'graceSeconds'],
    [{ grace: 60 }, 'grace'],
  ])('answers 400 naming the field for %j and changes nothing', async (body, field) => {
    const { id } = await createJob();
    const before = await secrets(id);
    const rejected = await api.request('POST', `/api/v1/jobs/${id}/signing-secret/rotate`, body);
    expect(rejected.status).toBe(400);
    expect(rejected.body.message).toContain(field);
    expect(await secrets(id)).toEqual(before);
  });

  it('accepts the longest grace, 30 days', async () => {
    const { id } = await createJob();
    const rotated = await api.request('POST', `/api/v1/jobs/${id}/signing-secret/rotate`, {
      graceSeconds: 2_592_000,
    });
    expect(rotated.status).toBe(200);
    expect((await secrets(id)).seconds_left).toBeGreaterThan(2_592_000 - 60);
  });

  it.each(['webhook-id', 'Webhook-Timestamp', 'WEBHOOK-SIGNATURE'])(
    'refuses a job that sets the signature header %s itself',
    async (name) => {
      const rejected = await api.request('POST', '/api/v1/jobs', {
        name: 'spoofing',
        cronExpression: '0 0 * * * *',
        httpUrl: 'https://example.com/hook',
        httpHeaders: { [name]: 'v1,forged' },
      });
      expect(rejected.status).toBe(400);
      expect(rejected.body.message).toContain(`httpHeaders.${name} is set by the scheduler`);
    },
  );

  it('answers 404 for an unknown job and 400 for a malformed id', async () => {
    const unknown = await api.request('POST', `/api/v1/jobs/${UNKNOWN_ID}/signing-secret/rotate`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain(UNKNOWN_ID);
    const malformed = await api.request('POST', '/api/v1/jobs/not-a-uuid/signing-secret/rotate');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toBe('id must be a UUID');
  });
});
