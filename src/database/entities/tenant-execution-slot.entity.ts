import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An execution being sent under its tenant's `maxConcurrentExecutions`, for the
 * PostgreSQL-only backend. The slot lapses at `lapses_at` if its worker never frees it.
 * UNLOGGED in the migration (a crash frees every slot, as a Redis restart would).
 */
@Entity({ name: 'tenant_execution_slots' })
export class TenantExecutionSlotEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'execution_id', type: 'uuid' })
  executionId!: string;

  @Column({ name: 'lapses_at', type: 'timestamptz', precision: 3 })
  lapsesAt!: Date;
}
