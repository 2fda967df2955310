import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { DeepPartial, EntityManager } from 'typeorm';
import { JobEntity } from '../database/entities/job.entity.js';
import { queryRows } from '../database/query-rows.js';
import { lockTenantJobs } from '../database/tenant-jobs-lock.js';
import type { TenantScope } from '../tenancy/principal.js';

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
    return repository.save(repository.create({ ...values, tenantId: scope.tenantId }));
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

  /** Saves a job read through `lockById` in the same transaction (its version goes up by one). */
  async save(manager: EntityManager, job: JobEntity): Promise<JobEntity> {
    return manager.getRepository(JobEntity).save(job);
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
