import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shared worker state for the PostgreSQL-only backend: the circuit breakers and the tenant
 * execution caps (the Redis backend keeps both in Redis). UNLOGGED, like the rate-limit
 * windows: no WAL and no flushed commit per attempt; a crash empties them, which closes
 * every breaker and frees every slot, as losing Redis's data would. Created whatever the
 * backend, so switching needs no migration.
 */
export class PostgresSharedState1797200000000 implements MigrationInterface {
  name = 'PostgresSharedState1797200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNLOGGED TABLE "circuit_breakers" (
        "destination" character varying(512) NOT NULL,
        "state" character varying(16) NOT NULL,
        "failures" integer NOT NULL,
        "retry_at" bigint NOT NULL,
        "probe" character varying(200),
        "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_d37bb8be188ed1097d9af2b5ab9" PRIMARY KEY ("destination")
      )`);
    await queryRunner.query(`
      CREATE UNLOGGED TABLE "tenant_execution_slots" (
        "tenant_id" uuid NOT NULL,
        "execution_id" uuid NOT NULL,
        "lapses_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_8fb75b8821b9e84be1a5a409188" PRIMARY KEY ("tenant_id", "execution_id")
      )`);
    await queryRunner.query(`
      CREATE UNLOGGED TABLE "tenant_execution_starts" (
        "tenant_id" uuid NOT NULL,
        "start_id" character varying(100) NOT NULL,
        "started_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_f26539f923fa7a25be0d11c1333" PRIMARY KEY ("tenant_id", "start_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "tenant_execution_starts"`);
    await queryRunner.query(`DROP TABLE "tenant_execution_slots"`);
    await queryRunner.query(`DROP TABLE "circuit_breakers"`);
  }
}
