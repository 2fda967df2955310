import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { DeepPartial, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { JobEntity } from '../database/entities/job.entity.js';
import { queryRows } from '../database/query-rows.js';
import type { SqlExecutor } from '../database/query-rows.js';
import { lockTenantJobs } from '../database/tenant-jobs-lock.js';
import type { TenantScope } from '../tenancy/principal.js';

/** A job's destination as stored: redacted copies for display and the sealed real values. */
export interface StoredTarget {
  httpUrl: string;
  httpHeaders: Record<string, string>;
  httpTargetSealed: string;
}

export interface JobListFilter {
  page: number;
  limit: number;
  isActive?: boolean;
  search?: string;
  includeDeleted: boolean;
}

/**
 * Job definitions. Every method is scoped to one tenant: the `WHERE tenant_id` is here,
 * not in controllers, so no endpoint can forget it. Writes that must commit with others
 * (audit, idempotency) take the transaction's `EntityManager`.
 */
@Injectable()
export class JobRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>,
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * The id of a job about to be created. Chosen before the INSERT (rather than by the
   * column's default) because its sealed secrets are bound to it.
   */
  newId(): string {
    return randomUUID();
  }

  /**
   * Inserts a job for the tenant, unless the tenant already has `maxJobs` live jobs
   * (`'quota'`). The count and the insert run under the tenant's jobs lock.
   */
  async insert(
    manager: EntityManager,
    scope: TenantScope,
    values: DeepPartial<JobEntity>,
    maxJobs: number | undefined,
  ): Promise<JobEntity | 'quota'> {
    if (maxJobs !== undefined) {
      await lockTenantJobs(manager, scope.tenantId);
      const [row] = await queryRows<{ count: number }>(
        manager,
        'SELECT count(*)::int AS count FROM jobs WHERE tenant_id = $1 AND deleted_at IS NULL',
        [scope.tenantId],
      );
      if ((row?.count ?? 0) >= maxJobs) return 'quota';
    }
    const repository = manager.getRepository(JobEntity);
    const job = repository.create({ ...values, tenantId: scope.tenantId });
    // A plain INSERT: `save()` of an entity whose id is set would first SELECT it to choose
    // between INSERT and UPDATE. Generated columns (timestamps, version) are read back into
    // it. The cast: TypeORM's insert type cannot express the jsonb union column `httpBody`.
    await repository.insert(job as QueryDeepPartialEntity<JobEntity>);
    return job;
  }

  async findById(scope: TenantScope, id: string): Promise<JobEntity | null> {
    return this.jobs.findOneBy({ id, tenantId: scope.tenantId });
  }

  /** The job's row locked for the rest of the transaction, or null. */
  async lockById(
    manager: EntityManager,
    scope: TenantScope,
    id: string,
  ): Promise<JobEntity | null> {
    return manager
      .getRepository(JobEntity)
      .createQueryBuilder('job')
      .setLock('pessimistic_write')
      .where('job.id = :id AND job.tenant_id = :tenantId', { id, tenantId: scope.tenantId })
      .getOne();
  }

  /**
   * Saves a job read through `lockById` in the same transaction (its version goes up by
   * one); with `target`, also its destination.
   */
  async save(manager: EntityManager, job: JobEntity, target?: StoredTarget): Promise<JobEntity> {
    const saved = await manager.getRepository(JobEntity).save(job);
    if (target === undefined) return saved;
    await writeTarget(manager, job.id, target);
    return withTarget(saved, target);
  }

  /**
   * The current signing secret becomes the previous one, valid for `graceSeconds` more by
   * the database's clock (brief, invariant 6); with 0 it is dropped at once. One statement,
   * so two rotations at once cannot lose a secret in between; the job's version goes up (it
   * is a change, audited). `null`: no such job for this tenant.
   */
  async rotateSigningSecret(
    manager: EntityManager,
    scope: TenantScope,
    id: string,
    sealedSecret: string,
    graceSeconds: number,
  ): Promise<{ previousExpiresAt: Date | null; version: number } | null> {
    const rows = await queryRows<{ previous_expires_at: Date | null; version: number }>(
      manager,
      `UPDATE jobs
       SET previous_signing_secret_sealed =
             CASE WHEN $3::int > 0 THEN signing_secret_sealed END,
           previous_signing_secret_expires_at =
             CASE WHEN $3::int > 0 AND signing_secret_sealed IS NOT NULL
                  THEN date_trunc('milliseconds', clock_timestamp()) + make_interval(secs => $3::int) END,
           signing_secret_sealed = $2,
           version = version + 1,
           updated_at = clock_timestamp()
       WHERE id = $1 AND tenant_id = $4
       RETURNING previous_signing_secret_expires_at AS previous_expires_at, version`,
      [id, sealedSecret, graceSeconds, scope.tenantId],
    );
    const row = rows[0];
    return row ? { previousExpiresAt: row.previous_expires_at, version: row.version } : null;
  }

  /**
   * After a job's schedule or activity changed (in the same transaction): occurrences
   * materialised for the old definition and not yet sent are removed, and the expansion
   * watermark restarts from the database's now (time spent paused is not a misfire).
   * `keepManual` keeps pending manual triggers (the job stays active). Returns the ids of
   * the removed executions, for the queue.
   */
  async resetSchedule(
    manager: EntityManager,
    job: JobEntity,
    keepManual: boolean,
  ): Promise<string[]> {
    await manager.query('UPDATE jobs SET expanded_until = now() WHERE id = $1', [job.id]);
    const removed = await queryRows<{ id: string }>(
      manager,
      `DELETE FROM executions
       WHERE job_id = $1 AND status IN ('SCHEDULED', 'QUEUED')
         AND (NOT $2 OR trigger IN ('SCHEDULE', 'CATCH_UP'))
       RETURNING id`,
      [job.id, keepManual],
    );
    return removed.map((row) => row.id);
  }

  async list(
    scope: TenantScope,
    filter: JobListFilter,
  ): Promise<{ items: JobEntity[]; total: number }> {
    const query = this.jobs
      .createQueryBuilder('job')
      .where('job.tenant_id = :tenantId', { tenantId: scope.tenantId })
      .orderBy('job.createdAt', 'DESC')
      .addOrderBy('job.id', 'DESC')
      .skip((filter.page - 1) * filter.limit)
      .take(filter.limit);
    if (!filter.includeDeleted) query.andWhere('job.deleted_at IS NULL');
    if (filter.isActive !== undefined) {
      query.andWhere('job.is_active = :isActive', { isActive: filter.isActive });
    }
    if (filter.search) {
      const escaped = filter.search.replace(/[\\%_]/g, (char) => `\\${char}`);
      query.andWhere('job.name ILIKE :pattern', { pattern: `%${escaped}%` });
    }
    const [items, total] = await query.getManyAndCount();
    return { items, total };
  }
}

/** `http_url`, `http_headers` and `http_target_sealed` change together or not at all. */
async function writeTarget(executor: SqlExecutor, id: string, target: StoredTarget): Promise<void> {
  await executor.query(
    `UPDATE jobs SET http_url = $2, http_headers = $3::jsonb, http_target_sealed = $4 WHERE id = $1`,
    [id, target.httpUrl, JSON.stringify(target.httpHeaders), target.httpTargetSealed],
  );
}

function withTarget(job: JobEntity, target: StoredTarget): JobEntity {
  job.httpUrl = target.httpUrl;
  job.httpHeaders = target.httpHeaders;
  job.httpTargetSealed = target.httpTargetSealed;
  return job;
}
