import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../common/invalid-request.error.js';
import type { HistoryResponse } from './dto/job-responses.dto.js';
import type { HistoryQueryDto } from './dto/job-queries.dto.js';
import type { TenantScope } from '../tenancy/principal.js';
import { ExecutionHistoryRepository } from './execution-history.repository.js';
import { JobsService } from './jobs.service.js';
import { toExecutionResponse } from './job-response.mapper.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';

/** A job's executions, newest first, one keyset page at a time. */
@Injectable()
export class JobHistoryService {
  constructor(
    private readonly jobs: JobsService,
    private readonly history: ExecutionHistoryRepository,
  ) {}

  async page(scope: TenantScope, jobId: string, query: HistoryQueryDto): Promise<HistoryResponse> {
    await this.jobs.find(scope, jobId);
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from >= to) throw new InvalidRequestError('to', 'to must be after from');
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const executions = await this.history.page(scope, {
      jobId,
      limit: query.limit + 1,
      status: query.status,
      from,
      to,
      before,
    });
    const items = executions.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toExecutionResponse),
      nextCursor:
        executions.length > query.limit && last
          ? encodeCursor({ at: last.scheduledAt, id: last.id })
          : null,
    };
  }
}
