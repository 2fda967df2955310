import { EncryptionKey } from '../../src/config/encryption-key.js';
import { JobSecretsCipher } from '../../src/secrets/job-secrets.cipher.js';
import { SecretCipher } from '../../src/secrets/secret-cipher.js';

/**
 * The `SECRETS_ENCRYPTION_KEY` every test process and every service process a test starts
 * is given (a fixed, public test value: production refuses to start without a key of its
 * own). A second one plays the new key in rotation tests.
 */
export const TEST_ENCRYPTION_KEY = 'E4Jc6c9sXojclJRc4g2Eea1E6p4y8ECmz22jN07d7Uc=';
export const OTHER_TEST_ENCRYPTION_KEY = 'pcxpUGPLRc2hKUHQIMM85dGmO1dx13tDHsJSxYU0DsA=';

export function testKey(base64 = TEST_ENCRYPTION_KEY): EncryptionKey {
  const key = EncryptionKey.fromBase64(base64);
  if (key === undefined) throw new Error('test key is not base64 of 32 bytes');
  return key;
}

/** What a worker with the test key sees: for tests that read sealed columns back. */
export function testJobSecretsCipher(
  current = TEST_ENCRYPTION_KEY,
  previous?: string,
): JobSecretsCipher {
  return new JobSecretsCipher(
    new SecretCipher({
      current: testKey(current),
      previous: previous === undefined ? undefined : testKey(previous),
    }),
  );
}
