import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';
import { TenantEntity } from './tenant.entity.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const EXECUTION_TYPES = ['AT_LEAST_ONCE', 'AT_MOST_ONCE'] as const;
export type ExecutionType = (typeof EXECUTION_TYPES)[number];

export const MISFIRE_POLICIES = ['FIRE_ONCE', 'SKIP', 'FIRE_ALL'] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];

export interface RetryPolicy {
  /** Total attempts including the first one. */
  maxAttempts: number;
  /** Backoff before the second attempt; doubles each attempt, with full jitter. */
  initialBackoffMs: number;
  /** Upper bound of any single backoff. */
  maxBackoffMs: number;
}

/** A JSON body is sent as `application/json`; a string body is sent as it is. */
export type HttpBody = string | number | boolean | Record<string, unknown> | unknown[];

@Entity({ name: 'jobs' })
@Index('jobs_active_idx', ['isActive'], { where: 'deleted_at IS NULL' })
@Index('jobs_tenant_created_idx', ['tenantId', 'createdAt'])
@Check(
  'jobs_previous_signing_secret_check',
  '(previous_signing_secret_sealed IS NULL) = (previous_signing_secret_expires_at IS NULL)',
)
export class JobEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Every API read and write of a job is filtered by this (see `TenantScope`). */
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity)
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<TenantEntity>;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'cron_expression', type: 'varchar', length: 200 })
  cronExpression!: string;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone!: string;

  @Column({ name: 'http_method', type: 'varchar', length: 6, default: 'POST' })
  httpMethod!: HttpMethod;

  /*
   * The destination is stored twice: redacted in clear for display and search
   * (`http_url`, `http_headers`), and whole in `http_target_sealed` (AES-256-GCM), which only
   * the worker opens, right before sending. The API never writes them through `save()`
   * (`update: false`): `JobRepository` writes the three together, so a concurrent write
   * cannot pair one request's display copy with another's sealed values.
   */

  /** Redacted: userinfo and every query value are `[REDACTED]` (`common/redaction.ts`). */
  @Column({ name: 'http_url', type: 'text', update: false })
  httpUrl!: string;

  /** Redacted: every value outside the content-negotiation allow-list is `[REDACTED]`. */
  @Column({ name: 'http_headers', type: 'jsonb', update: false })
  httpHeaders!: Record<string, string>;

  /**
   * `{ url, headers }` with their real values, sealed with `SECRETS_ENCRYPTION_KEY`. Null
   * only for rows written before encryption at rest until the boot step encrypts them (then
   * `http_url` and `http_headers` still hold the real values).
   */
  @Column({ name: 'http_target_sealed', type: 'text', nullable: true, update: false })
  httpTargetSealed!: string | null;

  /**
   * The Standard Webhooks signing secret (`whsec_...`), sealed. Written only at create and by
   * rotation (one SQL statement), so it is never selected by default.
   */
  @Column({
    name: 'signing_secret_sealed',
    type: 'text',
    nullable: true,
    update: false,
    select: false,
  })
  signingSecretSealed?: string | null;

  /** The secret before the last rotation: still signs until `previous_signing_secret_expires_at`. */
  @Column({
    name: 'previous_signing_secret_sealed',
    type: 'text',
    nullable: true,
    update: false,
    select: false,
  })
  previousSigningSecretSealed?: string | null;

  /** In clear so that the worker's claim can drop an expired secret by the database's clock. */
  @Column({
    name: 'previous_signing_secret_expires_at',
    type: 'timestamptz',
    precision: 3,
    nullable: true,
    update: false,
    select: false,
  })
  previousSigningSecretExpiresAt?: Date | null;

  @Column({ name: 'http_body', type: 'jsonb', nullable: true })
  httpBody!: HttpBody | null;

  @Column({ name: 'execution_type', type: 'varchar', length: 16, default: 'AT_LEAST_ONCE' })
  executionType!: ExecutionType;

  @Column({ name: 'timeout_seconds', type: 'integer', default: 30 })
  timeoutSeconds!: number;

  @Column({ name: 'retry_policy', type: 'jsonb' })
  retryPolicy!: RetryPolicy;

  @Column({ name: 'misfire_policy', type: 'varchar', length: 16, default: 'FIRE_ONCE' })
  misfirePolicy!: MisfirePolicy;

  @Column({ name: 'misfire_window_seconds', type: 'integer', nullable: true })
  misfireWindowSeconds!: number | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  /** Set by DELETE (soft delete); cleared when the job is reactivated. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  /**
   * Expansion watermark: every occurrence up to this instant has been materialised as an
   * execution row (or deliberately skipped). The scheduler resumes from here.
   */
  @Column({ name: 'expanded_until', type: 'timestamptz', nullable: true })
  expandedUntil!: Date | null;

  /** Bumped whenever the schedule changes, so stale materialised rows can be recognised. */
  @Column({ name: 'schedule_version', type: 'integer', default: 1 })
  scheduleVersion!: number;

  @VersionColumn({ type: 'integer' })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
