import { Injectable } from '@nestjs/common';
import type { TenantScope } from '../tenancy/principal.js';
import type { AuditQueryDto, AuditResponse } from './dto/job-audit.dto.js';
import { JobAuditRepository } from './job-audit.repository.js';
import { JobsService } from './jobs.service.js';

/** A job's audit trail, newest first. */
@Injectable()
export class JobAuditService {
  constructor(
    private readonly jobs: JobsService,
    private readonly audit: JobAuditRepository,
  ) {}

  async page(scope: TenantScope, jobId: string, query: AuditQueryDto): Promise<AuditResponse> {
    await this.jobs.find(scope, jobId);
    const events = await this.audit.list(scope, jobId, query.limit + 1, query.cursor);
    const items = events.slice(0, query.limit);
    return {
      items: items.map((event) => ({
        action: event.action,
        at: event.at.toISOString(),
        jobVersion: event.jobVersion,
        actorKeyPrefix: event.actorKeyPrefix,
        changes: event.changes,
      })),
      nextCursor: events.length > query.limit ? (items.at(-1)?.id ?? null) : null,
    };
  }
}
