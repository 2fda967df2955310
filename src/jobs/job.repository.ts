import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { DeepPartial } from 'typeorm';
import { JobEntity } from '../database/entities/job.entity.js';
import { queryRows } from '../database/query-rows.js';

export interface JobListFilter {
  page: number;
  limit: number;
  isActive?: boolean;
  search?: string;
  includeDeleted: boolean;
}

@Injectable()
export class JobRepository {
  constructor(@InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>) {}

  async insert(values: DeepPartial<JobEntity>): Promise<JobEntity> {
    return this.jobs.save(this.jobs.create(values));
  }

  async findById(id: string): Promise<JobEntity | null> {
    return this.jobs.findOneBy({ id });
  }

  async save(job: JobEntity): Promise<JobEntity> {
    return this.jobs.save(job);
  }

  /**
   * Saves a job whose schedule or activity changed, in one transaction with what that
   * implies: occurrences materialised for the old definition and not yet sent are removed,
   * and the expansion watermark restarts from the database's now (time spent paused is not
   * a misfire). `keepManual` keeps pending manual triggers (the job stays active).
   * Returns the saved job and the ids of the removed executions.
   */
  async saveWithScheduleReset(
    job: JobEntity,
    keepManual: boolean,
  ): Promise<{ job: JobEntity; removedExecutionIds: string[] }> {
    return this.jobs.manager.transaction(async (manager) => {
      const saved = await manager.save(job);
      await manager.query('UPDATE jobs SET expanded_until = now() WHERE id = $1', [job.id]);
      const removed = await queryRows<{ id: string }>(
        manager,
        `DELETE FROM executions
         WHERE job_id = $1 AND status IN ('SCHEDULED', 'QUEUED')
           AND (NOT $2 OR trigger IN ('SCHEDULE', 'CATCH_UP'))
         RETURNING id`,
        [job.id, keepManual],
      );
      return { job: saved, removedExecutionIds: removed.map((row) => row.id) };
    });
  }

  async list(filter: JobListFilter): Promise<{ items: JobEntity[]; total: number }> {
    const query = this.jobs
      .createQueryBuilder('job')
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
