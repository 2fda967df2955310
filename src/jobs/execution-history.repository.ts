import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ExecutionAttemptEntity } from '../database/entities/execution-attempt.entity.js';
import { ExecutionEntity } from '../database/entities/execution.entity.js';
import type { ExecutionStatus } from '../database/entities/execution.entity.js';
import type { TenantScope } from '../tenancy/principal.js';
import type { KeysetPosition } from './keyset-cursor.js';

export interface HistoryFilter {
  jobId: string;
  limit: number;
  status?: ExecutionStatus;
  /** Only occurrences scheduled at or after / before these instants. */
  from?: Date;
  to?: Date;
  /** Only executions strictly older than this position (keyset pagination). */
  before?: KeysetPosition;
}

/**
 * Reads executions for the API. Executions belong to a tenant through their job: every read
 * joins `jobs` and filters on the caller's tenant.
 */
@Injectable()
export class ExecutionHistoryRepository {
  constructor(
    @InjectRepository(ExecutionEntity) private readonly executions: Repository<ExecutionEntity>,
    @InjectRepository(ExecutionAttemptEntity)
    private readonly attempts: Repository<ExecutionAttemptEntity>,
  ) {}

  async findById(scope: TenantScope, id: string): Promise<ExecutionEntity | null> {
    return this.executions
      .createQueryBuilder('execution')
      .innerJoin('execution.job', 'job', 'job.tenant_id = :tenantId', { tenantId: scope.tenantId })
      .where('execution.id = :id', { id })
      .getOne();
  }

  async attemptsOf(scope: TenantScope, executionId: string): Promise<ExecutionAttemptEntity[]> {
    return this.attempts
      .createQueryBuilder('attempt')
      .innerJoin('attempt.execution', 'execution')
      .innerJoin('execution.job', 'job', 'job.tenant_id = :tenantId', { tenantId: scope.tenantId })
      .where('attempt.execution_id = :executionId', { executionId })
      .orderBy('attempt.attempt', 'ASC')
      .getMany();
  }

  /** Executions that failed for good, most recently finished first (`executions_failed_idx`). */
  async deadLetters(
    scope: TenantScope,
    limit: number,
    before?: KeysetPosition,
  ): Promise<ExecutionEntity[]> {
    const query = this.executions
      .createQueryBuilder('execution')
      .innerJoin('execution.job', 'job', 'job.tenant_id = :tenantId', { tenantId: scope.tenantId })
      .where("execution.status = 'FAILED'")
      .orderBy('execution.finishedAt', 'DESC')
      .addOrderBy('execution.id', 'DESC')
      .limit(limit);
    if (before) {
      query.andWhere('(execution.finished_at, execution.id) < (:beforeAt, :beforeId)', {
        beforeAt: before.at,
        beforeId: before.id,
      });
    }
    return query.getMany();
  }

  /**
   * Keyset pagination over `(scheduled_at, id)`: served by the
   * `executions_job_scheduled_at_key` unique index scanned backwards, so a page costs the
   * same however deep it is.
   */
  async page(scope: TenantScope, filter: HistoryFilter): Promise<ExecutionEntity[]> {
    const query = this.executions
      .createQueryBuilder('execution')
      .innerJoin('execution.job', 'job', 'job.tenant_id = :tenantId', { tenantId: scope.tenantId })
      .where('execution.job_id = :jobId', { jobId: filter.jobId })
      .orderBy('execution.scheduledAt', 'DESC')
      .addOrderBy('execution.id', 'DESC')
      .limit(filter.limit);
    // Occurrences materialised ahead of time are not history yet; ask for them by status.
    if (filter.status) query.andWhere('execution.status = :status', { status: filter.status });
    else query.andWhere("execution.status <> 'SCHEDULED'");
    if (filter.from) query.andWhere('execution.scheduled_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('execution.scheduled_at < :to', { to: filter.to });
    if (filter.before) {
      query.andWhere('(execution.scheduled_at, execution.id) < (:beforeAt, :beforeId)', {
        beforeAt: filter.before.at,
        beforeId: filter.before.id,
      });
    }
    return query.getMany();
  }
}
