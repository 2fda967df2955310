import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { JobSecretsRepository } from '../../src/secrets/job-secrets.repository.js';
import { SecretCipher } from '../../src/secrets/secret-cipher.js';
import { SecretsRotationService } from '../../src/secrets/secrets-rotation.service.js';
import { adminDatabaseConfig } from '../support/postgres-admin.js';
import { startServiceProcess } from '../support/service-process.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';
import {
  OTHER_TEST_ENCRYPTION_KEY,
  TEST_ENCRYPTION_KEY,
  testJobSecretsCipher,
} from '../support/test-secrets.js';
import { DEFAULT_TENANT_ID } from '../../src/database/entities/tenant.entity.js';

/** The key before rotation (A), the key after (B), and one nobody configured (C). */
const A = TEST_ENCRYPTION_KEY;
const B = OTHER_TEST_ENCRYPTION_KEY;
const C = Buffer.alloc(32, 0xc).toString('base64');
const underA = testJobSecretsCipher(A);
const afterRotation = testJobSecretsCipher(B, A);
const onlyB = testJobSecretsCipher(B);

interface Sealed {
  id: string;
  http_target_sealed: string | null;
  signing_secret_sealed: string | null;
  previous_signing_secret_sealed: string | null;
}

describe('npm run secrets:rotate: everything re-encrypted from the previous key to the current', () => {
  let dataSource: DataSource;
  let databaseName: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    databaseName = created.database.name;
    dataSource = await openDataSource(created.database);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await drop();
  });

  /** A job sealed by `cipher`, as the API writes it; `previous` adds a secret in grace. */
  async function insertJob(cipher = underA, previous = false): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO jobs (id, tenant_id, name, cron_expression, http_url, http_headers,
                         http_target_sealed, signing_secret_sealed, previous_signing_secret_sealed,
                         previous_signing_secret_expires_at, retry_policy, version)
       VALUES ($1, $5, 'rotation', '0 0 * * * *', 'https://example.com/?k=[REDACTED]', '{}', $2,
               $3, $4, CASE WHEN $4::text IS NULL THEN NULL ELSE now() + interval '1 day' END,
               '{"maxAttempts": 3}', 1)`,
      [
        id,
        cipher.sealTarget(id, { url: `https://example.com/?k=${id}`, headers: { A: id } }),
        cipher.sealSigningSecret(id, `whsec_current_${id}`),
        previous ? cipher.sealSigningSecret(id, `whsec_previous_${id}`) : null,
        DEFAULT_TENANT_ID,
      ],
    );
    return id;
  }

  async function sealed(): Promise<Sealed[]> {
    return dataSource.query<Sealed[]>(
      `SELECT id, http_target_sealed, signing_secret_sealed, previous_signing_secret_sealed
       FROM jobs ORDER BY id`,
    );
  }

  function rotation(cipher = afterRotation): SecretsRotationService {
    return new SecretsRotationService(new JobSecretsRepository(dataSource), cipher);
  }

  it('re-seals every value with the current key, in batches, and a second run finds nothing', async () => {
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await insertJob(underA, i % 2 === 0));
    const result = await rotation().rotate(3);
    expect(result).toEqual({ resealed: 7 + 7 + 4, unreadable: 0, remaining: 0 });

    for (const row of await sealed()) {
      for (const value of [row.http_target_sealed, row.signing_secret_sealed]) {
        expect(SecretCipher.keyIdOf(value!)).toBe(onlyB.currentKeyId);
      }
      // The new key alone opens everything, to the same values.
      expect(onlyB.openTarget(row.id, row.http_target_sealed!).url).toBe(
        `https://example.com/?k=${row.id}`,
      );
      expect(onlyB.openSigningSecret(row.id, row.signing_secret_sealed!)).toBe(
        `whsec_current_${row.id}`,
      );
      if (row.previous_signing_secret_sealed !== null) {
        expect(onlyB.openSigningSecret(row.id, row.previous_signing_secret_sealed)).toBe(
          `whsec_previous_${row.id}`,
        );
      }
    }
    const before = await sealed();
    expect(await rotation().rotate(3)).toEqual({ resealed: 0, unreadable: 0, remaining: 0 });
    expect(await sealed()).toEqual(before);
  });

  it('leaves a value whose key it was not given, and reports it', async () => {
    const stranger = await insertJob(testJobSecretsCipher(C));
    const before = (await sealed()).find((row) => row.id === stranger);
    expect(await rotation().rotate()).toEqual({ resealed: 0, unreadable: 2, remaining: 2 });
    expect((await sealed()).find((row) => row.id === stranger)).toEqual(before);
    await dataSource.query('DELETE FROM jobs WHERE id = $1', [stranger]);
  });

  it('keeps a value the API rewrote between read and write (compare-and-set)', async () => {
    const id = await insertJob(underA);
    const repository = new JobSecretsRepository(dataSource);
    const pending = await repository.notSealedWith(
      afterRotation.currentKeyId,
      '00000000-0000-0000-0000-000000000000',
      100,
    );
    const read = pending.find((row) => row.id === id);
    expect(read?.id).toBe(id);
    // Meanwhile the API rotates the signing secret (sealing with the current key).
    const rotatedByApi = onlyB.sealSigningSecret(id, 'whsec_from_api');
    await dataSource.query('UPDATE jobs SET signing_secret_sealed = $2 WHERE id = $1', [
      id,
      rotatedByApi,
    ]);
    const written = await repository.writeResealed([
      {
        id,
        target: null,
        signingSecret: {
          from: read!.signingSecret!,
          to: afterRotation.resealSigningSecret(id, read!.signingSecret!),
        },
        previousSigningSecret: null,
      },
    ]);
    expect(written).toBe(0);
    const row = (await sealed()).find((candidate) => candidate.id === id)!;
    expect(row.signing_secret_sealed).toBe(rotatedByApi);
    await rotation().rotate();
  });

  it('runs as a command: exit 0 when done, 1 while a value needs a key it lacks', async () => {
    await insertJob(underA, true);
    const admin = adminDatabaseConfig();
    const env = {
      DB_HOST: admin.host,
      DB_PORT: String(admin.port),
      DB_USER: admin.user,
      DB_PASSWORD: admin.password,
      DB_NAME: databaseName,
      SECRETS_ENCRYPTION_KEY: B,
      SECRETS_ENCRYPTION_KEY_PREVIOUS: A,
    };
    const done = startServiceProcess('dist/rotate-secrets.js', env);
    expect((await done.exited).code).toBe(0);
    expect(done.output()).toMatch(/^3 secret\(s\) re-encrypted with the current key, .* 0 left$/m);

    // Without the previous key, values sealed by it cannot be rotated: exit 1, nothing lost.
    await insertJob(underA);
    const stuck = startServiceProcess('dist/rotate-secrets.js', {
      ...env,
      SECRETS_ENCRYPTION_KEY_PREVIOUS: '',
    });
    expect((await stuck.exited).code).toBe(1);
    expect(stuck.output()).toContain('2 secret(s) are sealed with a key that is neither');
    for (const text of [done.output(), stuck.output()]) {
      expect(text).not.toContain(A);
      expect(text).not.toContain(B);
    }
  });
});
