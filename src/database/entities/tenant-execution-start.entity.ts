import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One start of a tenant's execution within the last second, for `maxExecutionsPerSecond`
 * on the PostgreSQL-only backend. UNLOGGED in the migration.
 */
@Entity({ name: 'tenant_execution_starts' })
export class TenantExecutionStartEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** Execution id and attempt number. */
  @PrimaryColumn({ name: 'start_id', type: 'varchar', length: 100 })
  startId!: string;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3 })
  startedAt!: Date;
}
