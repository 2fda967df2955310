import { DomainError } from '../common/domain.error.js';

/** A tenant's creation quota (`maxJobs`, `minIntervalSeconds`) forbids the change: 403. */
export class QuotaExceededError extends DomainError {
  readonly code = 'QUOTA_EXCEEDED';

  constructor(
    readonly quota: string,
    message: string,
  ) {
    super(`quotas.${quota}: ${message}`);
  }
}
