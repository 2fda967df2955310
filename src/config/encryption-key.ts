import { inspect } from 'node:util';

/** AES-256 takes exactly this many key bytes. */
export const ENCRYPTION_KEY_BYTES = 32;

/**
 * A secrets encryption key as configuration carries it. The bytes are reachable only through
 * `bytes()`, and every way of printing the object (`JSON.stringify`, `util.inspect`, string
 * interpolation) shows a placeholder: a configuration tree that ends up in a log line or an
 * error report never carries the key with it.
 */
export class EncryptionKey {
  readonly #bytes: Buffer;

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** `undefined` unless `text` is the base64 (standard or URL-safe) of exactly 32 bytes. */
  static fromBase64(text: string): EncryptionKey | undefined {
    const trimmed = text.trim();
    // Buffer.from(..., 'base64') skips characters it does not know instead of failing.
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
    const bytes = Buffer.from(trimmed, 'base64');
    return bytes.length === ENCRYPTION_KEY_BYTES ? new EncryptionKey(bytes) : undefined;
  }

  static fromBytes(bytes: Buffer): EncryptionKey {
    if (bytes.length !== ENCRYPTION_KEY_BYTES) {
      throw new RangeError(`an encryption key has ${ENCRYPTION_KEY_BYTES} bytes`);
    }
    return new EncryptionKey(Buffer.from(bytes));
  }

  bytes(): Buffer {
    return this.#bytes;
  }

  toString(): string {
    return '[EncryptionKey]';
  }

  toJSON(): string {
    return '[EncryptionKey]';
  }

  [inspect.custom](): string {
    return '[EncryptionKey]';
  }
}
