import { redactHeaders, redactUrl } from '../common/redaction.js';
import type { ExecutionAttemptEntity } from '../database/entities/execution-attempt.entity.js';
import type { ExecutionEntity } from '../database/entities/execution.entity.js';
import type { JobEntity } from '../database/entities/job.entity.js';
import type {
  ExecutionAttemptResponse,
  ExecutionResponse,
  JobResponse,
} from './dto/job-responses.dto.js';

export function toJobResponse(job: JobEntity, nextRunAt: Date | null): JobResponse {
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    cronExpression: job.cronExpression,
    timezone: job.timezone,
    httpMethod: job.httpMethod,
    httpUrl: redactUrl(job.httpUrl),
    httpHeaders: redactHeaders(job.httpHeaders),
    httpBody: job.httpBody,
    executionType: job.executionType,
    timeoutSeconds: job.timeoutSeconds,
    retryPolicy: { ...job.retryPolicy },
    misfirePolicy: job.misfirePolicy,
    misfireWindowSeconds: job.misfireWindowSeconds,
    isActive: job.isActive,
    version: job.version,
    nextRunAt: nextRunAt?.toISOString() ?? null,
    deletedAt: job.deletedAt?.toISOString() ?? null,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

export function toExecutionResponse(execution: ExecutionEntity): ExecutionResponse {
  return {
    id: execution.id,
    jobId: execution.jobId,
    scheduledAt: execution.scheduledAt.toISOString(),
    status: execution.status,
    trigger: execution.trigger,
    attempts: execution.attempts,
    startedAt: execution.startedAt?.toISOString() ?? null,
    finishedAt: execution.finishedAt?.toISOString() ?? null,
    durationMs: execution.durationMs,
    httpStatus: execution.httpStatus,
    responseExcerpt: execution.responseExcerpt,
    error: execution.error,
  };
}

export function toAttemptResponse(attempt: ExecutionAttemptEntity): ExecutionAttemptResponse {
  return {
    attempt: attempt.attempt,
    workerId: attempt.workerId,
    startedAt: attempt.startedAt.toISOString(),
    finishedAt: attempt.finishedAt?.toISOString() ?? null,
    durationMs: attempt.durationMs,
    httpStatus: attempt.httpStatus,
    responseExcerpt: attempt.responseExcerpt,
    error: attempt.error,
  };
}
