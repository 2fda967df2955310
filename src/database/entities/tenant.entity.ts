import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

/**
 * Limits on one tenant. An absent field means unlimited. `maxJobs` and `minIntervalSeconds`
 * are checked when a job is created or changed; the other two are enforced by the workers
 * across all worker processes (excess executions wait, they are not failed).
 */
export interface TenantQuotas {
  maxJobs?: number;
  minIntervalSeconds?: number;
  maxConcurrentExecutions?: number;
  maxExecutionsPerSecond?: number;
}

/** The tenant that every row created before tenants existed, and the admin key, belong to. */
export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-000000000001';
export const DEFAULT_TENANT_NAME = 'default';

@Entity({ name: 'tenants' })
@Unique('tenants_name_key', ['name'])
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  quotas!: TenantQuotas;

  /** Set by DELETE: its keys stop authenticating and its jobs stop firing. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
