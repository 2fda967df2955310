import { Injectable } from '@nestjs/common';
import { SecretCipher } from './secret-cipher.js';
import { SecretDecryptionError } from './secret-decryption.error.js';

/** Where and with what a job's webhook goes: the real values, never stored in clear. */
export interface WebhookTarget {
  url: string;
  headers: Record<string, string>;
}

/**
 * Seals and opens the secrets of one job row. Each value is bound to its job id and purpose,
 * so a sealed value only opens in the row (and for the use) it was written for. The
 * previous signing secret shares the current one's context: a rotation moves the sealed
 * value from one column to the other in SQL, without opening it.
 */
@Injectable()
export class JobSecretsCipher {
  constructor(private readonly cipher: SecretCipher) {}

  get currentKeyId(): string {
    return this.cipher.currentKeyId;
  }

  sealTarget(jobId: string, target: WebhookTarget): string {
    return this.cipher.seal(
      JSON.stringify({ url: target.url, headers: target.headers }),
      targetContext(jobId),
    );
  }

  openTarget(jobId: string, sealed: string): WebhookTarget {
    const plaintext = this.cipher.open(sealed, targetContext(jobId));
    let parsed: unknown;
    try {
      parsed = JSON.parse(plaintext);
    } catch {
      // SyntaxError quotes the text it choked on: that text is the secret.
      throw new SecretDecryptionError('malformed', SecretCipher.keyIdOf(sealed));
    }
    if (!isWebhookTarget(parsed)) {
      throw new SecretDecryptionError('malformed', SecretCipher.keyIdOf(sealed));
    }
    return parsed;
  }

  sealSigningSecret(jobId: string, secret: string): string {
    return this.cipher.seal(secret, signingSecretContext(jobId));
  }

  openSigningSecret(jobId: string, sealed: string): string {
    return this.cipher.open(sealed, signingSecretContext(jobId));
  }

  /** Opens with whichever configured key sealed it and seals again with the current key. */
  resealTarget(jobId: string, sealed: string): string {
    return this.cipher.seal(this.cipher.open(sealed, targetContext(jobId)), targetContext(jobId));
  }

  resealSigningSecret(jobId: string, sealed: string): string {
    const context = signingSecretContext(jobId);
    return this.cipher.seal(this.cipher.open(sealed, context), context);
  }
}

function targetContext(jobId: string): string {
  return `jobs/${jobId}/http-target`;
}

function signingSecretContext(jobId: string): string {
  return `jobs/${jobId}/signing-secret`;
}

function isWebhookTarget(value: unknown): value is WebhookTarget {
  if (typeof value !== 'object' || value === null) return false;
  const { url, headers } = value as Record<string, unknown>;
  return (
    typeof url === 'string' &&
    typeof headers === 'object' &&
    headers !== null &&
    !Array.isArray(headers) &&
    Object.values(headers).every((header) => typeof header === 'string')
  );
}
