import { DomainError } from '../common/domain.error.js';

/** The key spent its request budget for the current window: 429 with `Retry-After`. */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';

  constructor(
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `rate limit of ${limit} requests per window exceeded; retry after ${retryAfterSeconds} s`,
    );
  }
}
