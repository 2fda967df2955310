import { DomainError } from '../common/domain.error.js';

/** Raised at boot when one or more environment variables are invalid; names all of them. */
export class InvalidConfigurationError extends DomainError {
  readonly code = 'INVALID_CONFIGURATION';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/**
 * Every entry point's last word on an error at start-up: a bad configuration prints its one
 * message and exits 78 (EX_CONFIG); anything else is rethrown.
 */
export function exitOnInvalidConfiguration(error: unknown): never {
  if (error instanceof InvalidConfigurationError) {
    console.error(error.message);
    process.exit(78);
  }
  throw error;
}
