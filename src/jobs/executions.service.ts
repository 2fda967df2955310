import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../common/invalid-request.error.js';
import { NotFoundError } from '../common/not-found.error.js';
import { ExecutionQueue } from '../queue/execution-queue.js';
import type { Principal, TenantScope } from '../tenancy/principal.js';
import type {
  ExecutionAcceptedResponse,
  ExecutionDetailResponse,
  HistoryResponse,
} from './dto/job-responses.dto.js';
import type { DeadLetterQueryDto } from './dto/job-queries.dto.js';
import { ExecutionCommandRepository } from './execution-command.repository.js';
import { ExecutionHistoryRepository } from './execution-history.repository.js';
import { IdempotentRequests } from './idempotent-requests.service.js';
import { JobRepository } from './job.repository.js';
import { JobsService } from './jobs.service.js';
import { toAttemptResponse, toExecutionResponse } from './job-response.mapper.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';

/** Executions on request (trigger, replay) and their read side (detail, dead letters). */
@Injectable()
export class ExecutionsService {
  constructor(
    private readonly jobs: JobsService,
    private readonly jobRows: JobRepository,
    private readonly commands: ExecutionCommandRepository,
    private readonly history: ExecutionHistoryRepository,
    private readonly idempotent: IdempotentRequests,
    private readonly queue: ExecutionQueue,
  ) {}

  /** Runs a job now, whether or not it is active (an explicit request wins). */
  async trigger(
    caller: Principal,
    jobId: string,
    idempotencyKey?: string,
  ): Promise<ExecutionAcceptedResponse> {
    const accepted = await this.idempotent.run(
      caller,
      'trigger-job',
      idempotencyKey,
      { jobId },
      async (manager) => {
        const job = await this.jobRows.lockById(manager, caller, jobId);
        if (!job) throw new NotFoundError('Job', jobId);
        if (job.deletedAt !== null) {
          throw new InvalidRequestError(
            'id',
            `job ${jobId} is deleted; reactivate it to trigger it`,
          );
        }
        const { id, scheduledAt } = await this.commands.insertManual(manager, jobId);
        await this.jobs.recordAction(manager, caller, job, 'TRIGGER', [
          { field: 'executionId', to: id },
        ]);
        return {
          executionId: id,
          scheduledAt: scheduledAt.toISOString(),
          status: 'QUEUED' as const,
        };
      },
    );
    // QUEUED in PostgreSQL already: if this enqueue is lost (or this is a repeat of an
    // idempotent request whose first enqueue is long done), reconciliation restores it.
    await this.queue.enqueue([
      { id: accepted.executionId, dueAt: new Date(accepted.scheduledAt).getTime() },
    ]);
    return accepted;
  }

  async replay(caller: Principal, executionId: string): Promise<ExecutionAcceptedResponse> {
    const accepted = await this.jobRows.transaction(async (manager) => {
      const execution = await this.find(caller, executionId);
      const replayed = await this.commands.replay(manager, caller, executionId);
      if (!replayed) {
        throw new InvalidRequestError(
          'id',
          `execution ${executionId} is ${execution.status}; only FAILED executions can be replayed`,
        );
      }
      const job = await this.jobs.find(caller, execution.jobId);
      await this.jobs.recordAction(manager, caller, job, 'REPLAY', [
        { field: 'executionId', to: executionId },
      ]);
      return {
        executionId,
        scheduledAt: replayed.scheduledAt.toISOString(),
        status: 'QUEUED' as const,
      };
    });
    await this.queue.enqueue([{ id: executionId, dueAt: Date.now() }]);
    return accepted;
  }

  async detail(scope: TenantScope, executionId: string): Promise<ExecutionDetailResponse> {
    const execution = await this.find(scope, executionId);
    const attempts = await this.history.attemptsOf(scope, executionId);
    return { ...toExecutionResponse(execution), attemptHistory: attempts.map(toAttemptResponse) };
  }

  async deadLetters(scope: TenantScope, query: DeadLetterQueryDto): Promise<HistoryResponse> {
    const rows = await this.history.deadLetters(
      scope,
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

  private async find(scope: TenantScope, id: string) {
    const execution = await this.history.findById(scope, id);
    if (!execution) throw new NotFoundError('Execution', id);
    return execution;
  }
}
