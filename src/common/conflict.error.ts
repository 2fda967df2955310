import { DomainError } from '../common/domain.error.js';

/** The request is valid but the resource's state forbids it: 409. */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';

  constructor(field: string, message: string) {
    super(message, field);
  }
}
