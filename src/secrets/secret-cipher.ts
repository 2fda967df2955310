import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../config/encryption-key.js';
import { SecretDecryptionError } from './secret-decryption.error.js';

/** 96-bit nonces, the size GCM is specified for (NIST SP 800-38D); random per value. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

interface Keyring {
  current: EncryptionKey;
  previous?: EncryptionKey;
}

/**
 * AES-256-GCM over `node:crypto`, the one place where secrets are sealed and opened.
 *
 * A sealed value is text, `v1:<key id>:<iv>:<ciphertext>:<tag>` (base64url), so it fits a
 * `text` column and the key that sealed it can be read (and selected on, in SQL) without
 * opening it. Every value is bound to a `context` (its row and purpose) as additional
 * authenticated data: a ciphertext copied into another row does not open there, so nobody
 * with write access to the database alone can make one job send another job's secrets.
 *
 * With about 2^32 random nonces per key the collision risk stays below 2^-32 (NIST's bound);
 * at one seal per job change that is far beyond any deployment's lifetime of one key.
 */
export class SecretCipher {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(keyring: Keyring) {
    this.currentKeyId = keyIdOf(keyring.current);
    this.keys.set(this.currentKeyId, keyring.current.bytes());
    if (keyring.previous) this.keys.set(keyIdOf(keyring.previous), keyring.previous.bytes());
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyBytes(this.currentKeyId), iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      FORMAT,
      this.currentKeyId,
      iv.toString('base64url'),
      ciphertext.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join(':');
  }

  /** Throws `SecretDecryptionError`; never returns a value that failed authentication. */
  open(sealed: string, context: string): string {
    const parts = sealed.split(':');
    const [format, keyId, iv, ciphertext, tag] = parts;
    if (
      parts.length !== 5 ||
      format !== FORMAT ||
      keyId === undefined ||
      iv === undefined ||
      ciphertext === undefined ||
      tag === undefined
    ) {
      throw new SecretDecryptionError('malformed', undefined);
    }
    const key = this.keys.get(keyId);
    if (key === undefined) throw new SecretDecryptionError('unknown-key', keyId);
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
      throw new SecretDecryptionError('malformed', keyId);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tagBytes);
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // OpenSSL says only "Unsupported state or unable to authenticate data".
      throw new SecretDecryptionError('tampered', keyId);
    }
  }

  /** The key id a sealed value names, or `undefined` if it is not a sealed value. */
  static keyIdOf(sealed: string): string | undefined {
    const [format, keyId] = sealed.split(':');
    return format === FORMAT ? keyId : undefined;
  }

  private keyBytes(keyId: string): Buffer {
    const key = this.keys.get(keyId);
    if (key === undefined) throw new SecretDecryptionError('unknown-key', keyId);
    return key;
  }
}

/**
 * 12 hex characters of a labelled SHA-256 of the key: enough to tell two keys apart (a
 * collision between the current and the previous key has odds of 2^-48), and a hash of
 * 256 random bits reveals nothing about them.
 */
export function keyIdOf(key: EncryptionKey): string {
  return createHash('sha256')
    .update('job-scheduler secrets key id\0')
    .update(key.bytes())
    .digest('hex')
    .slice(0, 12);
}
