import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { DeepPartial } from 'typeorm';
import { JobEntity } from '../database/entities/job.entity.js';

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
