import { DomainError } from '../common/domain.error.js';

export type SecretDecryptionFailure =
  /** Sealed with a key this process was not given (`SECRETS_ENCRYPTION_KEY[_PREVIOUS]`). */
  | 'unknown-key'
  /** Not a sealed value at all. */
  | 'malformed'
  /** Authentication failed: the ciphertext, its tag or its context was changed. */
  | 'tampered';

/**
 * A stored secret could not be opened. The message names the key id and the reason, never
 * the value (sealed or not): it ends up in execution history and logs.
 */
export class SecretDecryptionError extends DomainError {
  readonly code = 'SECRET_DECRYPTION_FAILED';

  constructor(
    readonly failure: SecretDecryptionFailure,
    readonly keyId: string | undefined,
  ) {
    super(describe(failure, keyId));
  }
}

function describe(failure: SecretDecryptionFailure, keyId: string | undefined): string {
  switch (failure) {
    case 'unknown-key':
      return `secret sealed with key ${keyId ?? '?'}, which neither SECRETS_ENCRYPTION_KEY nor SECRETS_ENCRYPTION_KEY_PREVIOUS is`;
    case 'malformed':
      return 'stored secret is not a sealed value';
    case 'tampered':
      return `stored secret failed authentication (key ${keyId ?? '?'}): it was altered or belongs to another row`;
  }
}
