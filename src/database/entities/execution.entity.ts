import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';
import { JobEntity } from './job.entity.js';

export const EXECUTION_STATUSES = [
  'SCHEDULED',
  'QUEUED',
  'RUNNING',
  'RETRYING',
  'SUCCEEDED',
  'FAILED',
  'SKIPPED',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const EXECUTION_TRIGGERS = ['SCHEDULE', 'CATCH_UP', 'MANUAL', 'REPLAY'] as const;
export type ExecutionTrigger = (typeof EXECUTION_TRIGGERS)[number];

/**
 * One row per occurrence of a job. `UNIQUE (job_id, scheduled_at)` is what makes a second
 * leader, a retried batch or a restart unable to create a second occurrence; its index also
 * serves "history of a job, newest first" with a backward scan.
 */
@Entity({ name: 'executions' })
@Unique('executions_job_scheduled_at_key', ['jobId', 'scheduledAt'])
@Index('executions_due_idx', ['scheduledAt'], {
  where: "status IN ('SCHEDULED', 'QUEUED', 'RUNNING', 'RETRYING')",
})
@Index('executions_failed_idx', ['finishedAt'], { where: "status = 'FAILED'" })
export class ExecutionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @ManyToOne(() => JobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<JobEntity>;

  /** The occurrence's scheduled instant (millisecond precision). */
  @Column({ name: 'scheduled_at', type: 'timestamptz', precision: 3 })
  scheduledAt!: Date;

  @Column({ type: 'varchar', length: 16, default: 'SCHEDULED' })
  status!: ExecutionStatus;

  @Column({ type: 'varchar', length: 16, default: 'SCHEDULE' })
  trigger!: ExecutionTrigger;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Attempts made before the latest replay: the retry budget counts from here. */
  @Column({ name: 'attempt_base', type: 'integer', default: 0 })
  attemptBase!: number;

  /** When the next attempt may start (set while `RETRYING`). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', precision: 3, nullable: true })
  nextAttemptAt!: Date | null;

  /** Fencing epoch of the leader that materialised this row. */
  @Column({ name: 'leader_epoch', type: 'bigint', nullable: true })
  leaderEpoch!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  /** The first bytes of the last response body (bounded, see the worker's excerpt limit). */
  @Column({ name: 'response_excerpt', type: 'text', nullable: true })
  responseExcerpt!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
