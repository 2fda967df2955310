import { DomainError } from '../common/domain.error.js';

/**
 * A queue script answered something its contract does not allow: the Lua and the TypeScript
 * disagree (e.g. a script changed without its version). A bug, never a normal outcome.
 */
export class UnexpectedScriptReplyError extends DomainError {
  readonly code = 'QUEUE_UNEXPECTED_SCRIPT_REPLY';

  constructor(
    readonly script: string,
    readonly reply: unknown,
  ) {
    super(
      `queue script ${script} replied ${JSON.stringify(reply)}, which its contract does not allow`,
    );
  }
}
