import { DomainError } from '../common/domain.error.js';

/** A scheduling write by a leader whose epoch is no longer the newest: nothing was written. */
export class FencedOutError extends DomainError {
  readonly code = 'FENCED_OUT';

  constructor(heldEpoch: string, currentEpoch: string) {
    super(`leader epoch ${heldEpoch} is fenced out by epoch ${currentEpoch}`);
  }
}
