import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import type { DeepPartial, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { JobEntity } from '../database/entities/job.entity.js';
import { queryRows } from '../database/query-rows.js';
import type { SqlExecutor } from '../database/query-rows.js';

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

@Injectable()
export class JobRepository {
  constructor(@InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>) {}

  /**
   * The id of a job about to be created. Chosen before the INSERT (rather than by the
   * column's default) because its sealed secrets are bound to it.
   */
  newId(): string {
    return randomUUID();
  }

  /**
   * A plain INSERT: `save()` of an entity whose id is set would first SELECT it to choose
   * between INSERT and UPDATE. Generated columns (timestamps, version) are read back into it.
   */
  async insert(values: DeepPartial<JobEntity>): Promise<JobEntity> {
    const job = this.jobs.create(values);
    // TypeORM's insert type cannot express a jsonb union column (`httpBody`); the entity is
    // exactly what `create` built from the same columns.
    await this.jobs.insert(job as QueryDeepPartialEntity<JobEntity>);
    return job;
  }

  async findById(id: string): Promise<JobEntity | null> {
    return this.jobs.findOneBy({ id });
  }

  /** Saves the job; with `target`, also its destination, in the same transaction. */
  async save(job: JobEntity, target?: StoredTarget): Promise<JobEntity> {
    if (target === undefined) return this.jobs.save(job);
    return this.jobs.manager.transaction(async (manager) => {
      const saved = await manager.save(job);
      await writeTarget(manager, job.id, target);
      return withTarget(saved, target);
    });
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
    target?: StoredTarget,
  ): Promise<{ job: JobEntity; removedExecutionIds: string[] }> {
    return this.jobs.manager.transaction(async (manager: EntityManager) => {
      let saved = await manager.save(job);
      if (target !== undefined) {
        await writeTarget(manager, job.id, target);
        saved = withTarget(saved, target);
      }
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

  /**
   * The current signing secret becomes the previous one, valid for `graceSeconds` more by
   * the database's clock (brief, invariant 6); with 0 it is dropped at once. One statement,
   * so two rotations at once cannot lose a secret in between. `null`: no such job.
   */
  async rotateSigningSecret(
    id: string,
    sealedSecret: string,
    graceSeconds: number,
  ): Promise<{ previousExpiresAt: Date | null } | null> {
    const rows = await queryRows<{ previous_expires_at: Date | null }>(
      this.jobs.manager,
      `UPDATE jobs
       SET previous_signing_secret_sealed =
             CASE WHEN $3::int > 0 THEN signing_secret_sealed END,
           previous_signing_secret_expires_at =
             CASE WHEN $3::int > 0 AND signing_secret_sealed IS NOT NULL
                  THEN date_trunc('milliseconds', clock_timestamp()) + make_interval(secs => $3::int) END,
           signing_secret_sealed = $2,
           updated_at = clock_timestamp()
       WHERE id = $1
       RETURNING previous_signing_secret_expires_at AS previous_expires_at`,
      [id, sealedSecret, graceSeconds],
    );
    const row = rows[0];
    return row ? { previousExpiresAt: row.previous_expires_at } : null;
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
