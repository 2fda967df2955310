import {
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

  @Column({ name: 'http_url', type: 'text' })
  httpUrl!: string;

  @Column({ name: 'http_headers', type: 'jsonb' })
  httpHeaders!: Record<string, string>;

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
