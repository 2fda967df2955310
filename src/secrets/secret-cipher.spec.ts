import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { EncryptionKey } from '../config/encryption-key.js';
import { keyIdOf, SecretCipher } from './secret-cipher.js';
import { SecretDecryptionError } from './secret-decryption.error.js';
import type { SecretDecryptionFailure } from './secret-decryption.error.js';

const keyA = EncryptionKey.fromBytes(randomBytes(32));
const keyB = EncryptionKey.fromBytes(randomBytes(32));
const CONTEXT = 'jobs/5f0c6a52-8f0e-4a39-9a57-1b9d3c6f2e10/http-target';

function failureOf(attempt: () => unknown): SecretDecryptionFailure | undefined {
  try {
    attempt();
  } catch (error) {
    if (error instanceof SecretDecryptionError) return error.failure;
    throw error;
  }
  return undefined;
}

/** Flips one bit of the base64url field at `index` of a sealed value. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join(':');
}

describe('SecretCipher (AES-256-GCM)', () => {
  const cipher = new SecretCipher({ current: keyA });

  it('round-trips text, any Unicode included, under the current key id', () => {
    for (const text of ['', 'Bearer s3cret', 'żółć 🙂 \u0000 end', 'x'.repeat(100_000)]) {
      const sealed = cipher.seal(text, CONTEXT);
      expect(sealed).toMatch(/^v1:[0-9a-f]{12}:[\w-]+:[\w-]*:[\w-]+$/);
      expect(SecretCipher.keyIdOf(sealed)).toBe(keyIdOf(keyA));
      expect(cipher.open(sealed, CONTEXT)).toBe(text);
    }
  });

  it('never seals the same text twice the same way (random nonce), nor shows it', () => {
    const first = cipher.seal('Bearer s3cret', CONTEXT);
    const second = cipher.seal('Bearer s3cret', CONTEXT);
    expect(first).not.toBe(second);
    expect(first).not.toContain('s3cret');
    expect(first).not.toContain(Buffer.from('Bearer s3cret').toString('base64url'));
  });

  it('refuses a value sealed with a key it was not given, naming the key id', () => {
    const sealed = new SecretCipher({ current: keyB }).seal('x', CONTEXT);
    const attempt = () => cipher.open(sealed, CONTEXT);
    expect(failureOf(attempt)).toBe('unknown-key');
    expect(attempt).toThrow(keyIdOf(keyB));
  });

  it('opens values of the previous key and seals with the current one', () => {
    const old = new SecretCipher({ current: keyA }).seal('kept', CONTEXT);
    const rotated = new SecretCipher({ current: keyB, previous: keyA });
    expect(rotated.open(old, CONTEXT)).toBe('kept');
    expect(SecretCipher.keyIdOf(rotated.seal('new', CONTEXT))).toBe(keyIdOf(keyB));
    expect(rotated.currentKeyId).toBe(keyIdOf(keyB));
  });

  it.each([
    ['the nonce', 2],
    ['the ciphertext', 3],
    ['the tag', 4],
  ])('refuses a value whose %s was changed', (_, index) => {
    const sealed = cipher.seal('Bearer s3cret', CONTEXT);
    expect(failureOf(() => cipher.open(tamper(sealed, index), CONTEXT))).toBe('tampered');
  });

  it('refuses a value opened in another context (another row or purpose)', () => {
    const sealed = cipher.seal('Bearer s3cret', CONTEXT);
    expect(failureOf(() => cipher.open(sealed, `${CONTEXT}x`))).toBe('tampered');
  });

  it('refuses a key id swapped for another configured key', () => {
    const both = new SecretCipher({ current: keyA, previous: keyB });
    const sealed = both.seal('x', CONTEXT);
    const relabelled = sealed.replace(keyIdOf(keyA), keyIdOf(keyB));
    expect(failureOf(() => both.open(relabelled, CONTEXT))).toBe('tampered');
  });

  it.each(['', 'Bearer plain', 'v2:abc:a:b:c', 'v1:x:y', `v1:${keyIdOf(keyA)}:AAAA:BBBB:CCCC`])(
    'says %j is not a sealed value',
    (value) => {
      expect(failureOf(() => cipher.open(value, CONTEXT))).toBe('malformed');
    },
  );

  it('names no secret in its errors', () => {
    const sealed = cipher.seal('Bearer s3cret', CONTEXT);
    try {
      cipher.open(tamper(sealed, 3), CONTEXT);
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
      expect(String(error)).not.toContain(sealed.split(':')[3]);
    }
    expect.assertions(2);
  });
});
