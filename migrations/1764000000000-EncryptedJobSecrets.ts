import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Secrets at rest: the sealed destination (`http_target_sealed`) and the Standard Webhooks
 * signing secrets of each job (issue 7).
 *
 * A migration has no access to `SECRETS_ENCRYPTION_KEY`, so it only adds the columns; rows
 * that exist already stay in plain text (`http_target_sealed IS NULL`) until the boot step
 * that runs right after the migrations, under the same advisory lock, encrypts them and
 * gives each a signing secret (`src/secrets/plaintext-job-encryption.service.ts`,
 * `docs/database-setup.md`).
 */
export class EncryptedJobSecrets1764000000000 implements MigrationInterface {
  name = 'EncryptedJobSecrets1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "jobs" ADD "http_target_sealed" text`);
    await queryRunner.query(`ALTER TABLE "jobs" ADD "signing_secret_sealed" text`);
    await queryRunner.query(`ALTER TABLE "jobs" ADD "previous_signing_secret_sealed" text`);
    await queryRunner.query(
      `ALTER TABLE "jobs" ADD "previous_signing_secret_expires_at" TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "jobs" ADD CONSTRAINT "jobs_previous_signing_secret_check" CHECK ((previous_signing_secret_sealed IS NULL) = (previous_signing_secret_expires_at IS NULL))`,
    );
  }

  /**
   * Once rows are encrypted their real URL and headers exist only sealed: dropping the
   * columns would leave jobs that send `[REDACTED]`. Reverting is refused then.
   */
  async down(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query(
      `SELECT count(*)::int AS count FROM "jobs" WHERE "http_target_sealed" IS NOT NULL`,
    )) as Array<{ count: number }>;
    const encrypted = rows[0]?.count ?? 0;
    if (encrypted > 0) {
      throw new Error(
        `cannot revert EncryptedJobSecrets: ${encrypted} job(s) keep their real URL and headers only encrypted`,
      );
    }
    await queryRunner.query(
      `ALTER TABLE "jobs" DROP CONSTRAINT "jobs_previous_signing_secret_check"`,
    );
    await queryRunner.query(`ALTER TABLE "jobs" DROP COLUMN "previous_signing_secret_expires_at"`);
    await queryRunner.query(`ALTER TABLE "jobs" DROP COLUMN "previous_signing_secret_sealed"`);
    await queryRunner.query(`ALTER TABLE "jobs" DROP COLUMN "signing_secret_sealed"`);
    await queryRunner.query(`ALTER TABLE "jobs" DROP COLUMN "http_target_sealed"`);
  }
}
