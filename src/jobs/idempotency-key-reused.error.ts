import { DomainError } from '../common/domain.error.js';

/** The same `Idempotency-Key` was sent with a different request: 422. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor() {
    super(
      'Idempotency-Key: this key was used with a different request in the last 24 hours; use a new key',
      'Idempotency-Key',
    );
  }
}
