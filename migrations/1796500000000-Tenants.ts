import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Must equal `DEFAULT_TENANT_ID` in `src/database/entities/tenant.entity.ts`. */
const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-000000000001';

/**
 * Tenants, their API keys, the job audit trail and idempotency keys. Every existing job moves
 * into the `default` tenant, which the bootstrap `ADMIN_API_KEY` belongs to.
 */
export class Tenants1796500000000 implements MigrationInterface {
  name = 'Tenants1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "tenants" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(100) NOT NULL,
        "quotas" jsonb NOT NULL DEFAULT '{}',
        "deleted_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "tenants_name_key" UNIQUE ("name"),
        CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `INSERT INTO "tenants" ("id", "name") VALUES ($1, 'default') ON CONFLICT DO NOTHING`,
      [DEFAULT_TENANT_ID],
    );
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant_id" uuid NOT NULL,
        "name" character varying(100),
        "prefix" character varying(16) NOT NULL,
        "key_hash" character(64) NOT NULL,
        "scopes" text array NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "api_keys_prefix_key" UNIQUE ("prefix"),
        CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "api_keys_tenant_idx" ON "api_keys" ("tenant_id")`);
    await queryRunner.query(`
      CREATE TABLE "idempotency_keys" (
        "tenant_id" uuid NOT NULL,
        "operation" character varying(64) NOT NULL,
        "key" character varying(255) NOT NULL,
        "request_hash" character(64) NOT NULL,
        "response_status" integer NOT NULL,
        "response_body" text NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_00d36bd1d406ba648e8927dd095" PRIMARY KEY ("tenant_id", "operation", "key")
      )`);
    await queryRunner.query(
      `CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" ("expires_at")`,
    );
    await queryRunner.query(`
      CREATE TABLE "job_audit_events" (
        "id" BIGSERIAL NOT NULL,
        "tenant_id" uuid NOT NULL,
        "job_id" uuid NOT NULL,
        "job_version" integer NOT NULL,
        "action" character varying(32) NOT NULL,
        "actor_key_prefix" character varying(32) NOT NULL,
        "changes" jsonb NOT NULL,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_f3d150f4ec57cdf9ef749d1d78d" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "job_audit_events_job_idx" ON "job_audit_events" ("job_id", "id")`,
    );
    // Existing jobs join the default tenant; the column is NOT NULL from then on.
    await queryRunner.query(`ALTER TABLE "jobs" ADD "tenant_id" uuid`);
    await queryRunner.query(`UPDATE "jobs" SET "tenant_id" = $1`, [DEFAULT_TENANT_ID]);
    await queryRunner.query(`ALTER TABLE "jobs" ALTER COLUMN "tenant_id" SET NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "jobs_tenant_created_idx" ON "jobs" ("tenant_id", "created_at")`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_3ac18429c8d27858d79432e0dda" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "jobs" ADD CONSTRAINT "FK_6da9e1074e2c60f9c4a422a0a62" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "jobs" DROP CONSTRAINT "FK_6da9e1074e2c60f9c4a422a0a62"`);
    await queryRunner.query(`DROP INDEX "jobs_tenant_created_idx"`);
    await queryRunner.query(`ALTER TABLE "jobs" DROP COLUMN "tenant_id"`);
    await queryRunner.query(`DROP TABLE "job_audit_events"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP TABLE "tenants"`);
  }
}
