import { UnexpectedScriptReplyError } from './unexpected-script-reply.error.js';

/** What the scripts that act on one leased item return (see their contract headers). */
export const LeaseReply = {
  done: 1,
  /** Not leased: unknown, finished, or its lease expired and it went back to ready. */
  notLeased: -1,
  /** Another token holds the item (it was requeued and claimed again). */
  heldByOther: -2,
} as const;

/**
 * The one mapping from a fenced script's code to the caller's answer: true when the token
 * held the lease and the transition happened, false when the lease is lost. A lost lease is
 * an expected outcome (a slow worker), so it is a value, not an exception.
 */
export function leaseHeld(script: string, reply: unknown): boolean {
  switch (reply) {
    case LeaseReply.done:
      return true;
    case LeaseReply.notLeased:
    case LeaseReply.heldByOther:
      return false;
    default:
      throw new UnexpectedScriptReplyError(script, reply);
  }
}

export function integerReply(script: string, reply: unknown): number {
  if (typeof reply === 'number' && Number.isSafeInteger(reply)) return reply;
  throw new UnexpectedScriptReplyError(script, reply);
}

export function stringsReply(script: string, reply: unknown): string[] {
  if (Array.isArray(reply) && reply.every((item) => typeof item === 'string')) {
    return reply;
  }
  throw new UnexpectedScriptReplyError(script, reply);
}

export function integersReply(script: string, reply: unknown, length: number): number[] {
  if (
    Array.isArray(reply) &&
    reply.length === length &&
    reply.every((item) => typeof item === 'number' && Number.isSafeInteger(item))
  ) {
    return reply as number[];
  }
  throw new UnexpectedScriptReplyError(script, reply);
}
