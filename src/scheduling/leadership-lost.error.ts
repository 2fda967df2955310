import { DomainError } from '../common/domain.error.js';

/** An extension of the leader lease found it held by someone else, or not at all. */
export class LeadershipLostError extends DomainError {
  readonly code = 'LEADERSHIP_LOST';

  /** `cause`: what the backend answered, when it said more than "not yours". */
  constructor(holder: string, cause?: Error) {
    super(
      `the scheduler lease is no longer held by ${holder}` +
        (cause === undefined ? '' : ` (${cause.message})`),
    );
  }
}
