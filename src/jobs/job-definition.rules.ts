import { InvalidRequestError } from '../common/invalid-request.error.js';
import type { JobEntity, RetryPolicy } from '../database/entities/job.entity.js';
import type { DestinationPolicy } from '../outbound/destination-policy.js';
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
  constructor(
    readonly maxTimeoutSeconds: number,
    private readonly destinations: DestinationPolicy,
  ) {}

  /**
   * The SSRF guard's early check, on a URL being set (create, or a PATCH of `httpUrl`): what
   * the URL alone shows to be internal is refused now, with a 400, instead of failing every
   * attempt later. It is a convenience: the worker judges every resolved address again at
   * connect time, which is the check that counts (a name can resolve anywhere later).
   * Not re-run on a PATCH that leaves `httpUrl` alone, so that a job stored before the guard
   * was tightened can still be paused or deleted.
   */
  checkDestination(httpUrl: string): void {
    // The shape (absolute, http or https) was validated with the DTO.
    const refusal = this.destinations.refusalForUrl(new URL(httpUrl));
    if (refusal !== undefined) {
      throw new InvalidRequestError(
        'httpUrl',
        `httpUrl is not an allowed destination: ${refusal.reason}`,
      );
    }
  }

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
