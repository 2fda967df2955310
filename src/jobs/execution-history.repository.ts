import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ExecutionEntity } from '../database/entities/execution.entity.js';
import type { ExecutionStatus } from '../database/entities/execution.entity.js';

export interface HistoryPosition {
  scheduledAt: Date;
  id: string;
}

export interface HistoryFilter {
  jobId: string;
  limit: number;
  status?: ExecutionStatus;
  /** Only executions strictly older than this position (keyset pagination). */
  before?: HistoryPosition;
}

/** Reads a job's executions for the API, newest first. */
@Injectable()
export class ExecutionHistoryRepository {
  constructor(
    @InjectRepository(ExecutionEntity) private readonly executions: Repository<ExecutionEntity>,
  ) {}

  /**
   * Keyset pagination over `(scheduled_at, id)`: served by the
   * `executions_job_scheduled_at_key` unique index scanned backwards, so a page costs the
   * same however deep it is.
   */
  async page(filter: HistoryFilter): Promise<ExecutionEntity[]> {
    const query = this.executions
      .createQueryBuilder('execution')
      .where('execution.job_id = :jobId', { jobId: filter.jobId })
      .orderBy('execution.scheduledAt', 'DESC')
      .addOrderBy('execution.id', 'DESC')
      .limit(filter.limit);
    if (filter.status) query.andWhere('execution.status = :status', { status: filter.status });
    if (filter.before) {
      query.andWhere('(execution.scheduled_at, execution.id) < (:beforeAt, :beforeId)', {
        beforeAt: filter.before.scheduledAt,
        beforeId: filter.before.id,
      });
    }
    return query.getMany();
  }
}
