import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import {
  runMigrationsExclusively,
  withMigrationLock,
} from '../../src/database/migration-runner.js';
import { JobSecretsRepository } from '../../src/secrets/job-secrets.repository.js';
import { PlaintextJobEncryptionService } from '../../src/secrets/plaintext-job-encryption.service.js';
import { SigningSecretGenerator } from '../../src/secrets/signing-secret.generator.js';
import { loadMigrationClasses } from '../support/migrations.js';
import { createTestDatabase, openDataSource } from '../support/test-database.js';
import { testJobSecretsCipher } from '../support/test-secrets.js';

const cipher = testJobSecretsCipher();

interface PlainJob {
  url: string;
  headers: Record<string, string>;
}

/**
 * Migration EncryptedJobSecrets adds the sealed columns; rows written before it are
 * encrypted by the boot step that runs after it under the migration lock (a migration has
 * no key). Together they must leave no plain secret, once, however many processes start.
 */
describe('secrets at rest for rows written before encryption', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function encryption(dataSource: DataSource): PlaintextJobEncryptionService {
    return new PlaintextJobEncryptionService(
      new JobSecretsRepository(dataSource),
      cipher,
      new SigningSecretGenerator(),
    );
  }

  /** What every process does at boot, after migrations: the step, under the lock. */
  function bootStep(dataSource: DataSource) {
    return withMigrationLock(dataSource, () => encryption(dataSource).encryptRemaining());
  }

  /** A database as the previous release left it: the first migration only, plain jobs. */
  async function previousRelease(jobs: readonly PlainJob[]): Promise<DataSource> {
    const { database, drop } = await createTestDatabase({ migrated: false });
    cleanups.push(drop);
    const [initialSchema] = await loadMigrationClasses();
    const old = await new DataSource(dataSourceOptions(database, [initialSchema!])).initialize();
    await runMigrationsExclusively(old);
    for (const [index, job] of jobs.entries()) {
      await old.query(
        `INSERT INTO jobs (name, cron_expression, http_url, http_headers, retry_policy, version)
         VALUES ($1, '0 0 * * * *', $2, $3::jsonb, '{"maxAttempts": 3}', 1)`,
        [`old-${index}`, job.url, JSON.stringify(job.headers)],
      );
    }
    await old.destroy();
    const current = await openDataSource(database);
    cleanups.push(() => current.destroy());
    return current;
  }

  async function rows(dataSource: DataSource) {
    return dataSource.query<
      Array<{
        id: string;
        name: string;
        http_url: string;
        http_headers: Record<string, string>;
        http_target_sealed: string | null;
        signing_secret_sealed: string | null;
        row_text: string;
      }>
    >(
      `SELECT id, name, http_url, http_headers, http_target_sealed, signing_secret_sealed,
              to_jsonb(j)::text AS row_text
       FROM jobs j ORDER BY name`,
    );
  }

  it('leaves plain rows to the boot step, which seals them and redacts the clear copies', async () => {
    const secret = `canary${randomBytes(6).toString('hex')}`;
    const jobs: PlainJob[] = [
      {
        url: `https://bot:${secret}@example.com/hook?key=${secret}&team=a`,
        headers: { 'X-Webhook-Key': secret, 'Content-Type': 'application/json' },
      },
      { url: 'https://example.com/plain', headers: {} },
    ];
    const dataSource = await previousRelease(jobs);
    await runMigrationsExclusively(dataSource);
    // The migration alone cannot encrypt (no key): the rows are still plain.
    expect((await rows(dataSource)).map((row) => row.http_target_sealed)).toEqual([null, null]);

    expect(await bootStep(dataSource)).toEqual({ encrypted: 2, skipped: 0 });
    const after = await rows(dataSource);
    expect(after[0]!.row_text).not.toContain(secret);
    expect(after[0]!.http_url).toBe(
      'https://[REDACTED]@example.com/hook?key=[REDACTED]&team=[REDACTED]',
    );
    expect(after[0]!.http_headers).toEqual({
      'X-Webhook-Key': '[REDACTED]',
      'Content-Type': 'application/json',
    });
    for (const [index, row] of after.entries()) {
      expect(cipher.openTarget(row.id, row.http_target_sealed!)).toEqual(jobs[index]);
      // Existing jobs get a signing secret too; an operator obtains it by rotating.
      expect(cipher.openSigningSecret(row.id, row.signing_secret_sealed!)).toMatch(/^whsec_/);
    }
  });

  it('is idempotent: a second start changes nothing', async () => {
    const dataSource = await previousRelease([{ url: 'https://example.com/?k=1', headers: {} }]);
    await runMigrationsExclusively(dataSource);
    await bootStep(dataSource);
    const first = await rows(dataSource);
    expect(await runMigrationsExclusively(dataSource)).toEqual([]);
    expect(await bootStep(dataSource)).toEqual({ encrypted: 0, skipped: 0 });
    expect(await rows(dataSource)).toEqual(first);
  });

  it('encrypts each row exactly once when 10 processes start at once', async () => {
    const jobs = Array.from({ length: 1_200 }, (_, i) => ({
      url: `https://example.com/${i}?key=k${i}`,
      headers: { Authorization: `Bearer t${i}` },
    }));
    const first = await previousRelease(jobs);
    const dataSources = [first];
    for (let i = 1; i < 10; i++) {
      const dataSource = await new DataSource(first.options).initialize();
      cleanups.push(() => dataSource.destroy());
      dataSources.push(dataSource);
    }
    const results = await Promise.all(
      dataSources.map(async (dataSource) => {
        await runMigrationsExclusively(dataSource);
        return bootStep(dataSource);
      }),
    );
    expect(results.reduce((sum, result) => sum + result.encrypted, 0)).toBe(jobs.length);
    expect(results.filter((result) => result.encrypted > 0)).toHaveLength(1);
    const byName = new Map((await rows(first)).map((row) => [row.name, row]));
    for (const [index, job] of jobs.entries()) {
      const row = byName.get(`old-${index}`)!;
      // Sealed from the real values, not from an already redacted copy.
      expect(cipher.openTarget(row.id, row.http_target_sealed!)).toEqual(job);
    }
  });

  it('does not overwrite a row an older process changed between read and write', async () => {
    const dataSource = await previousRelease([{ url: 'https://example.com/?k=1', headers: {} }]);
    await runMigrationsExclusively(dataSource);
    const repository = new JobSecretsRepository(dataSource);
    const [read] = await repository.plaintextBatch('00000000-0000-0000-0000-000000000000', 10);
    await dataSource.query(`UPDATE jobs SET http_url = 'https://example.com/?k=2'`);
    const written = await repository.writeEncrypted([
      {
        id: read!.id,
        plainUrl: read!.httpUrl,
        plainHeaders: read!.httpHeaders,
        redactedUrl: 'https://example.com/?k=[REDACTED]',
        redactedHeaders: {},
        targetSealed: cipher.sealTarget(read!.id, { url: read!.httpUrl, headers: {} }),
        signingSecretSealed: cipher.sealSigningSecret(read!.id, 'whsec_AAAA'),
      },
    ]);
    expect(written).toBe(0);
    expect((await rows(dataSource))[0]).toMatchObject({
      http_url: 'https://example.com/?k=2',
      http_target_sealed: null,
    });
    expect(await bootStep(dataSource)).toEqual({ encrypted: 1, skipped: 0 });
  });

  it('refuses to revert once rows hold their real values only encrypted', async () => {
    const dataSource = await previousRelease([{ url: 'https://example.com/', headers: {} }]);
    await runMigrationsExclusively(dataSource);
    await bootStep(dataSource);
    // Later migrations are undone first (they hold nothing encrypted).
    const last = async () =>
      (
        await dataSource.query<Array<{ name: string }>>(
          'SELECT name FROM typeorm_migrations ORDER BY id DESC LIMIT 1',
        )
      )[0]?.name;
    while (!(await last())?.startsWith('EncryptedJobSecrets')) await dataSource.undoLastMigration();
    await expect(dataSource.undoLastMigration()).rejects.toThrow(
      /cannot revert EncryptedJobSecrets: 1 job/,
    );
  });
});
