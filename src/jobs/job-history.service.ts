import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../common/invalid-request.error.js';
import type { HistoryResponse } from './dto/job-responses.dto.js';
import type { HistoryQueryDto } from './dto/job-queries.dto.js';
import { ExecutionHistoryRepository } from './execution-history.repository.js';
import type { HistoryPosition } from './execution-history.repository.js';
import { JobsService } from './jobs.service.js';
import { toExecutionResponse } from './job-response.mapper.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A job's executions, newest first, one keyset page at a time. */
@Injectable()
export class JobHistoryService {
  constructor(
    private readonly jobs: JobsService,
    private readonly history: ExecutionHistoryRepository,
  ) {}

  async page(jobId: string, query: HistoryQueryDto): Promise<HistoryResponse> {
    await this.jobs.find(jobId);
    const executions = await this.history.page({
      jobId,
      limit: query.limit + 1,
      status: query.status,
      before: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    const items = executions.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toExecutionResponse),
      nextCursor:
        executions.length > query.limit && last
          ? encodeCursor({ scheduledAt: last.scheduledAt, id: last.id })
          : null,
    };
  }
}

function encodeCursor(position: HistoryPosition): string {
  return Buffer.from(`${position.scheduledAt.toISOString()}|${position.id}`).toString('base64url');
}

function decodeCursor(cursor: string): HistoryPosition {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const scheduledAt = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(scheduledAt.getTime())) {
    throw new InvalidRequestError('cursor', 'cursor is not a cursor returned by this endpoint');
  }
  return { scheduledAt, id };
}
