import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { SIGNING_SECRET_PREFIX } from '../secrets/signing-secret.generator.js';

/**
 * Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` per
 * secret, space-separated. Signed with `node:crypto` rather than the `standardwebhooks`
 * package, whose pure-JavaScript SHA-256 managed 2,020 signatures/s of a 64 KiB body on one
 * core against node:crypto's 21,649 (docs/decisions.md); tests verify with the package.
 */
@Injectable()
export class WebhookSigner {
  /** `secrets` in the order the signatures go out (the current one first). */
  signature(
    secrets: readonly string[],
    messageId: string,
    timestampSeconds: number,
    body: string,
  ): string {
    return secrets
      .map((secret) => {
        const digest = createHmac('sha256', secretKey(secret))
          .update(`${messageId}.${timestampSeconds}.`, 'utf8')
          .update(body, 'utf8')
          .digest('base64');
        return `v1,${digest}`;
      })
      .join(' ');
  }
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SIGNING_SECRET_PREFIX)
    ? secret.slice(SIGNING_SECRET_PREFIX.length)
    : secret;
  return Buffer.from(encoded, 'base64');
}
