import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One item of the execution queue on the PostgreSQL backend (`QUEUE_BACKEND=postgres`). A
 * narrow side table rather than columns on `executions`: every queue transition would
 * otherwise be one more non-HOT row version of the widest table (measured in
 * docs/decisions.md: 6 instead of 3 row versions per execution). A row is delayed or ready
 * (no lease; ready once `due_at` has passed by the database's clock), leased (token and
 * deadline set) or dead-lettered; completed items are deleted.
 */
@Entity({ name: 'execution_queue' })
@Index('execution_queue_ready_idx', ['dueAt', 'id'], {
  where: 'lease_token IS NULL AND dead_lettered_at IS NULL',
})
@Index('execution_queue_leased_idx', ['leaseExpiresAt'], { where: 'lease_token IS NOT NULL' })
@Index('execution_queue_dead_idx', ['deadLetteredAt'], { where: 'dead_lettered_at IS NOT NULL' })
@Check('execution_queue_lease_complete', '(lease_token IS NULL) = (lease_expires_at IS NULL)')
@Check('execution_queue_dead_not_leased', 'dead_lettered_at IS NULL OR lease_token IS NULL')
export class ExecutionQueueItemEntity {
  /** The execution's id; text because the queue contract takes any id. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** When the item becomes claimable (a retry's next attempt, a released item's now). */
  @Column({ name: 'due_at', type: 'timestamptz', precision: 3 })
  dueAt!: Date;

  /** The lease holder's token: the fence every acknowledgement is checked against. */
  @Column({ name: 'lease_token', type: 'varchar', length: 128, nullable: true })
  leaseToken!: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'dead_lettered_at', type: 'timestamptz', precision: 3, nullable: true })
  deadLetteredAt!: Date | null;
}
