import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PostgreSQL-only backend (`QUEUE_BACKEND=postgres`): the execution queue and its outcome
 * counters, the scheduler's leader lease, and the API rate limit's windows. Created whatever
 * the backend, so switching backends needs no migration; on the Redis backend they stay
 * empty. Written from what TypeORM generates for the entities (the drift test checks it).
 */
export class PostgresBackend1797100000000 implements MigrationInterface {
  name = 'PostgresBackend1797100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "execution_queue" (
        "id" text NOT NULL,
        "due_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "lease_token" character varying(128),
        "lease_expires_at" TIMESTAMP(3) WITH TIME ZONE,
        "dead_lettered_at" TIMESTAMP(3) WITH TIME ZONE,
        CONSTRAINT "execution_queue_dead_not_leased" CHECK (dead_lettered_at IS NULL OR lease_token IS NULL),
        CONSTRAINT "execution_queue_lease_complete" CHECK ((lease_token IS NULL) = (lease_expires_at IS NULL)),
        CONSTRAINT "PK_04a4c0ab3500939353980fbe84c" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "execution_queue_ready_idx" ON "execution_queue" ("due_at", "id") WHERE lease_token IS NULL AND dead_lettered_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "execution_queue_leased_idx" ON "execution_queue" ("lease_expires_at") WHERE lease_token IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "execution_queue_dead_idx" ON "execution_queue" ("dead_lettered_at") WHERE dead_lettered_at IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "execution_queue_counters" (
        "name" character varying(16) NOT NULL,
        "shard" smallint NOT NULL,
        "value" bigint NOT NULL,
        CONSTRAINT "execution_queue_counters_name" CHECK (name IN ('completed', 'failed', 'retrying')),
        CONSTRAINT "PK_da461e000f12415f5469fb0fd66" PRIMARY KEY ("name", "shard")
      )`);
    await queryRunner.query(`
      CREATE TABLE "scheduler_lease" (
        "id" smallint NOT NULL,
        "holder" character varying(128),
        "expires_at" TIMESTAMP(3) WITH TIME ZONE,
        CONSTRAINT "scheduler_lease_single_row" CHECK (id = 1),
        CONSTRAINT "PK_4c31e6ff797f8c900fe076993f9" PRIMARY KEY ("id")
      )`);
    // The lease row exists from the start so that taking it is a single UPDATE.
    await queryRunner.query(
      `INSERT INTO "scheduler_lease" ("id", "holder", "expires_at") VALUES (1, NULL, NULL) ON CONFLICT DO NOTHING`,
    );
    // UNLOGGED: counters need no WAL and no flushed commit per API request; a crash empties
    // the table, which only resets the budgets (as a Redis restart would).
    await queryRunner.query(`
      CREATE UNLOGGED TABLE "rate_limit_windows" (
        "key" character varying(200) NOT NULL,
        "window_ends_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "count" integer NOT NULL,
        CONSTRAINT "PK_9417b505596cea358b6bb991dd3" PRIMARY KEY ("key")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rate_limit_windows"`);
    await queryRunner.query(`DROP TABLE "scheduler_lease"`);
    await queryRunner.query(`DROP TABLE "execution_queue_counters"`);
    await queryRunner.query(`DROP TABLE "execution_queue"`);
  }
}
