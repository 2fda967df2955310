import { DomainError } from './domain.error.js';

/** A request that passed shape validation but breaks a rule that spans fields or config. */
export class InvalidRequestError extends DomainError {
  readonly code = 'INVALID_REQUEST';

  constructor(field: string, message: string) {
    super(message, field);
  }
}
