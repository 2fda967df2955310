import type { AppConfig } from '../config/app-config.js';
import { SecretCipher } from './secret-cipher.js';

/** The cipher of a process, from its configuration (after `withDevelopmentKey`). */
export function createSecretCipher(config: AppConfig): SecretCipher {
  const { key, previousKey } = config.secrets;
  if (key === undefined) {
    // loadAppConfig refuses a missing key outside development, and every entry point fills
    // it in for development before the application starts: this is a wiring mistake.
    throw new Error('SECRETS_ENCRYPTION_KEY is not loaded: call withDevelopmentKey at start-up');
  }
  return new SecretCipher({ current: key, previous: previousKey });
}
