import { DomainError } from '../common/domain.error.js';

/** Raised at boot when one or more environment variables are invalid; names all of them. */
export class InvalidConfigurationError extends DomainError {
  readonly code = 'INVALID_CONFIGURATION';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}
