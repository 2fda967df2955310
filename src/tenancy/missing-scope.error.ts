import { DomainError } from '../common/domain.error.js';
import type { Scope } from './scopes.js';

export class MissingScopeError extends DomainError {
  readonly code = 'MISSING_SCOPE';

  constructor(readonly scope: Scope) {
    super(`this API key lacks the scope ${scope}`);
  }
}
