import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const AUDIT_ACTIONS = [
  'CREATE',
  'UPDATE',
  'PAUSE',
  'RESUME',
  'DELETE',
  'ROTATE_SIGNING_SECRET',
  'TRIGGER',
  'REPLAY',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One changed field: values as the API would show them (secrets redacted). */
export interface AuditChange {
  field: string;
  from?: unknown;
  to?: unknown;
}

/** Who changed a job, when, and what changed. Written in the transaction of the change. */
@Entity({ name: 'job_audit_events' })
@Index('job_audit_events_job_idx', ['jobId', 'id'])
export class JobAuditEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  /** The job's version after the change. */
  @Column({ name: 'job_version', type: 'integer' })
  jobVersion!: number;

  @Column({ type: 'varchar', length: 32 })
  action!: AuditAction;

  /** The prefix of the key that made the change (`ADMIN_API_KEY` for the bootstrap key). */
  @Column({ name: 'actor_key_prefix', type: 'varchar', length: 32 })
  actorKeyPrefix!: string;

  @Column({ type: 'jsonb' })
  changes!: AuditChange[];

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}
