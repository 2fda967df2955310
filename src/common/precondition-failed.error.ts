import { DomainError } from './domain.error.js';

/** An `If-Match` that does not match the current version: 412, nothing changed. */
export class PreconditionFailedError extends DomainError {
  readonly code = 'PRECONDITION_FAILED';

  constructor(currentVersion: number) {
    super(
      `If-Match: the job has changed (it is at version ${currentVersion}); read it again and retry`,
      'If-Match',
    );
  }
}
