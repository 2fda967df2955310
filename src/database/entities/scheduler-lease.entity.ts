import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Who may try to schedule, on the PostgreSQL backend (the Redis backend uses Redlock): a
 * lease with an expiry judged by the database's clock. A row of its own, not columns of
 * `scheduler_leadership`: renewing it every third of a TTL must not wait on the share lock
 * that every fenced scheduling transaction holds on the epoch row.
 */
@Entity({ name: 'scheduler_lease' })
@Check('scheduler_lease_single_row', 'id = 1')
export class SchedulerLeaseEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ type: 'varchar', length: 128, nullable: true })
  holder!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3, nullable: true })
  expiresAt!: Date | null;
}
