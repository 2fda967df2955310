import { DomainError } from '../common/domain.error.js';

/**
 * A circuit-breaker script answered something its contract does not allow: the Lua and the
 * TypeScript disagree (e.g. a script changed without its version). A bug, never a normal
 * outcome.
 */
export class UnexpectedBreakerReplyError extends DomainError {
  readonly code = 'BREAKER_UNEXPECTED_SCRIPT_REPLY';

  constructor(
    readonly script: string,
    readonly reply: unknown,
  ) {
    super(
      `circuit-breaker script ${script} replied ${JSON.stringify(reply)}, which its contract does not allow`,
    );
  }
}
