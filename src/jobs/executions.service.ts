import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../common/invalid-request.error.js';
import { NotFoundError } from '../common/not-found.error.js';
import { ExecutionQueue } from '../queue/execution-queue.js';
import type {
  ExecutionAcceptedResponse,
  ExecutionDetailResponse,
  HistoryResponse,
} from './dto/job-responses.dto.js';
import type { DeadLetterQueryDto } from './dto/job-queries.dto.js';
import { ExecutionCommandRepository } from './execution-command.repository.js';
import { ExecutionHistoryRepository } from './execution-history.repository.js';
import { JobsService } from './jobs.service.js';
import { toAttemptResponse, toExecutionResponse } from './job-response.mapper.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';

/** Executions on request (trigger, replay) and their read side (detail, dead letters). */
@Injectable()
export class ExecutionsService {
  constructor(
    private readonly jobs: JobsService,
    private readonly commands: ExecutionCommandRepository,
    private readonly history: ExecutionHistoryRepository,
    private readonly queue: ExecutionQueue,
  ) {}

  /** Runs a job now, whether or not it is active (an explicit request wins). */
  async trigger(jobId: string): Promise<ExecutionAcceptedResponse> {
    const job = await this.jobs.find(jobId);
    if (job.deletedAt !== null) {
      throw new InvalidRequestError('id', `job ${jobId} is deleted; reactivate it to trigger it`);
    }
    const { id, scheduledAt } = await this.commands.insertManual(jobId);
    // QUEUED in PostgreSQL already: if this enqueue is lost, reconciliation restores it.
    await this.queue.enqueue([{ id, dueAt: scheduledAt.getTime() }]);
    return { executionId: id, scheduledAt: scheduledAt.toISOString(), status: 'QUEUED' };
  }

  async replay(executionId: string): Promise<ExecutionAcceptedResponse> {
    const execution = await this.find(executionId);
    const replayed = await this.commands.replay(executionId);
    if (!replayed) {
      throw new InvalidRequestError(
        'id',
        `execution ${executionId} is ${execution.status}; only FAILED executions can be replayed`,
      );
    }
    await this.queue.enqueue([{ id: executionId, dueAt: Date.now() }]);
    return {
      executionId,
      scheduledAt: replayed.scheduledAt.toISOString(),
      status: 'QUEUED',
    };
  }

  async detail(executionId: string): Promise<ExecutionDetailResponse> {
    const execution = await this.find(executionId);
    const attempts = await this.history.attemptsOf(executionId);
    return { ...toExecutionResponse(execution), attemptHistory: attempts.map(toAttemptResponse) };
  }

  async deadLetters(query: DeadLetterQueryDto): Promise<HistoryResponse> {
    const rows = await this.history.deadLetters(
      query.limit + 1,
      query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    );
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toExecutionResponse),
      nextCursor:
        rows.length > query.limit && last?.finishedAt
          ? encodeCursor({ at: last.finishedAt, id: last.id })
          : null,
    };
  }

  private async find(id: string) {
    const execution = await this.history.findById(id);
    if (!execution) throw new NotFoundError('Execution', id);
    return execution;
  }
}
