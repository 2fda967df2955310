import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { JobAuditEventEntity } from '../database/entities/job-audit-event.entity.js';
import type { AuditAction, AuditChange } from '../database/entities/job-audit-event.entity.js';
import type { TenantScope } from '../tenancy/principal.js';

export interface AuditEventInput {
  jobId: string;
  jobVersion: number;
  action: AuditAction;
  actorKeyPrefix: string;
  changes: AuditChange[];
}

/** The job audit trail: appended in the transaction of each change, read newest first. */
@Injectable()
export class JobAuditRepository {
  constructor(
    @InjectRepository(JobAuditEventEntity)
    private readonly events: Repository<JobAuditEventEntity>,
  ) {}

  async record(manager: EntityManager, scope: TenantScope, event: AuditEventInput): Promise<void> {
    // jsonb through a parameter: TypeORM's insert() types cannot express a JSON array column.
    await manager.query(
      `INSERT INTO job_audit_events (tenant_id, job_id, job_version, action, actor_key_prefix, changes)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [
        scope.tenantId,
        event.jobId,
        event.jobVersion,
        event.action,
        event.actorKeyPrefix,
        JSON.stringify(event.changes),
      ],
    );
  }

  /** Events strictly older than `beforeId` (keyset pages over the bigserial id). */
  async list(
    scope: TenantScope,
    jobId: string,
    limit: number,
    beforeId: string | undefined,
  ): Promise<JobAuditEventEntity[]> {
    const query = this.events
      .createQueryBuilder('event')
      .where('event.job_id = :jobId AND event.tenant_id = :tenantId', {
        jobId,
        tenantId: scope.tenantId,
      })
      .orderBy('event.id', 'DESC')
      .limit(limit);
    if (beforeId !== undefined) query.andWhere('event.id < :beforeId', { beforeId });
    return query.getMany();
  }
}
