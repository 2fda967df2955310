import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jobs, their executions (one row per occurrence), per-attempt history and the scheduler's
 * fencing row. Written from what TypeORM generates for the entities; the drift test
 * (`test/database/schema-drift.int-spec.ts`) fails if the two ever disagree.
 */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "jobs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(200) NOT NULL,
        "description" text,
        "cron_expression" character varying(200) NOT NULL,
        "timezone" character varying(64) NOT NULL DEFAULT 'UTC',
        "http_method" character varying(6) NOT NULL DEFAULT 'POST',
        "http_url" text NOT NULL,
        "http_headers" jsonb NOT NULL,
        "http_body" jsonb,
        "execution_type" character varying(16) NOT NULL DEFAULT 'AT_LEAST_ONCE',
        "timeout_seconds" integer NOT NULL DEFAULT '30',
        "retry_policy" jsonb NOT NULL,
        "misfire_policy" character varying(16) NOT NULL DEFAULT 'FIRE_ONCE',
        "misfire_window_seconds" integer,
        "is_active" boolean NOT NULL DEFAULT true,
        "deleted_at" TIMESTAMP WITH TIME ZONE,
        "expanded_until" TIMESTAMP WITH TIME ZONE,
        "schedule_version" integer NOT NULL DEFAULT '1',
        "version" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "jobs_active_idx" ON "jobs" ("is_active") WHERE deleted_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "executions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "job_id" uuid NOT NULL,
        "scheduled_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "status" character varying(16) NOT NULL DEFAULT 'SCHEDULED',
        "trigger" character varying(16) NOT NULL DEFAULT 'SCHEDULE',
        "attempts" integer NOT NULL DEFAULT '0',
        "attempt_base" integer NOT NULL DEFAULT '0',
        "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE,
        "leader_epoch" bigint,
        "started_at" TIMESTAMP(3) WITH TIME ZONE,
        "finished_at" TIMESTAMP(3) WITH TIME ZONE,
        "duration_ms" integer,
        "http_status" integer,
        "response_excerpt" text,
        "error" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "executions_job_scheduled_at_key" UNIQUE ("job_id", "scheduled_at"),
        CONSTRAINT "PK_703e64e0ef651986191844b7b8b" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "executions_failed_idx" ON "executions" ("finished_at") WHERE status = 'FAILED'`,
    );
    await queryRunner.query(
      `CREATE INDEX "executions_due_idx" ON "executions" ("scheduled_at") WHERE status IN ('SCHEDULED', 'QUEUED', 'RUNNING', 'RETRYING')`,
    );
    await queryRunner.query(`
      CREATE TABLE "execution_attempts" (
        "id" BIGSERIAL NOT NULL,
        "execution_id" uuid NOT NULL,
        "attempt" integer NOT NULL,
        "worker_id" character varying(128),
        "started_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "finished_at" TIMESTAMP(3) WITH TIME ZONE,
        "duration_ms" integer,
        "http_status" integer,
        "response_excerpt" text,
        "error" text,
        CONSTRAINT "execution_attempts_execution_attempt_key" UNIQUE ("execution_id", "attempt"),
        CONSTRAINT "PK_735afdb935c48f61b9b2bf8f67a" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "scheduler_leadership" (
        "id" smallint NOT NULL,
        "epoch" bigint NOT NULL,
        "holder" character varying(128),
        "acquired_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "scheduler_leadership_single_row" CHECK (id = 1),
        CONSTRAINT "PK_c9cbdaed96cd2f8c32f50e4ba04" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `ALTER TABLE "executions" ADD CONSTRAINT "FK_858e2ceb64301d915fd730196a7" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "execution_attempts" ADD CONSTRAINT "FK_119e6474f23f15e9985271e4701" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // The fencing row exists from the start so that taking an epoch is a single UPDATE.
    await queryRunner.query(
      `INSERT INTO "scheduler_leadership" ("id", "epoch") VALUES (1, 0) ON CONFLICT DO NOTHING`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "execution_attempts"`);
    await queryRunner.query(`DROP TABLE "executions"`);
    await queryRunner.query(`DROP TABLE "scheduler_leadership"`);
    await queryRunner.query(`DROP TABLE "jobs"`);
  }
}
