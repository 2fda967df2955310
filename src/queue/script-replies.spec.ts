import { describe, expect, it } from '@jest/globals';
import { LeaseReply, leaseHeld } from './script-replies.js';
import { UnexpectedScriptReplyError } from './unexpected-script-reply.error.js';

describe('leaseHeld', () => {
  it('maps a fenced script code to whether the lease was held', () => {
    expect(leaseHeld('completeItem', LeaseReply.done)).toBe(true);
    expect(leaseHeld('completeItem', LeaseReply.notLeased)).toBe(false);
    expect(leaseHeld('completeItem', LeaseReply.heldByOther)).toBe(false);
  });

  it.each([0, -3, '1', null])(
    'throws a typed error for a code outside the contract (%p)',
    (reply) => {
      const thrown = catchError(() => leaseHeld('completeItem', reply));
      expect(thrown).toBeInstanceOf(UnexpectedScriptReplyError);
      expect(thrown).toMatchObject({
        code: 'QUEUE_UNEXPECTED_SCRIPT_REPLY',
        script: 'completeItem',
      });
    },
  );
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
