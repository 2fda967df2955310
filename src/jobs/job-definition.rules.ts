import { InvalidRequestError } from '../common/invalid-request.error.js';
import type { JobEntity, RetryPolicy } from '../database/entities/job.entity.js';
import type { CreateJobDto } from './dto/create-job.dto.js';
import { DEFAULT_RETRY_POLICY } from './dto/retry-policy.dto.js';
import type { RetryPolicyDto } from './dto/retry-policy.dto.js';

/** Fields a client may clear with `null`; `null` for any other field is a 400. */
const NULLABLE_FIELDS = new Set(['description', 'httpBody', 'misfireWindowSeconds']);

/**
 * The rules that span several fields or depend on configuration, applied to the job as it
 * would be after the change, before anything is written.
 */
export class JobDefinitionRules {
  constructor(readonly maxTimeoutSeconds: number) {}

  rejectNulls(input: Partial<CreateJobDto>): void {
    for (const [field, value] of Object.entries(input)) {
      if (value === null && !NULLABLE_FIELDS.has(field)) {
        throw new InvalidRequestError(field, `${field} must not be null`);
      }
    }
  }

  mergeRetryPolicy(
    current: RetryPolicy | undefined,
    change: RetryPolicyDto | undefined,
  ): RetryPolicy {
    const merged: RetryPolicy = { ...(current ?? DEFAULT_RETRY_POLICY) };
    if (change?.maxAttempts !== undefined) merged.maxAttempts = change.maxAttempts;
    if (change?.initialBackoffMs !== undefined) merged.initialBackoffMs = change.initialBackoffMs;
    if (change?.maxBackoffMs !== undefined) merged.maxBackoffMs = change.maxBackoffMs;
    return merged;
  }

  check(job: Pick<JobEntity, 'timeoutSeconds' | 'retryPolicy' | 'httpMethod' | 'httpBody'>): void {
    if (job.timeoutSeconds > this.maxTimeoutSeconds) {
      throw new InvalidRequestError(
        'timeoutSeconds',
        `timeoutSeconds must not be greater than ${this.maxTimeoutSeconds} (WORKER_HTTP_TIMEOUT)`,
      );
    }
    if (job.retryPolicy.initialBackoffMs > job.retryPolicy.maxBackoffMs) {
      throw new InvalidRequestError(
        'retryPolicy.maxBackoffMs',
        'retryPolicy.maxBackoffMs must not be less than retryPolicy.initialBackoffMs',
      );
    }
    if (job.httpMethod === 'GET' && job.httpBody !== null) {
      throw new InvalidRequestError(
        'httpBody',
        'httpBody must be null or absent when httpMethod is GET',
      );
    }
  }
}
