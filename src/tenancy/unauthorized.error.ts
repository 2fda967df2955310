import { DomainError } from '../common/domain.error.js';

/**
 * No usable API key. One message for missing, malformed, unknown, expired and revoked keys:
 * a caller learns nothing about which keys exist.
 */
export class UnauthorizedError extends DomainError {
  readonly code = 'UNAUTHORIZED';

  constructor() {
    super('a valid API key is required: Authorization: Bearer <key>');
  }
}
