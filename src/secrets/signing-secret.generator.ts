import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/** Standard Webhooks' secret prefix; receivers' libraries strip it before base64-decoding. */
export const SIGNING_SECRET_PREFIX = 'whsec_';
/**
 * 32 bytes: HMAC-SHA256's output size, the key length RFC 2104 recommends at least (the
 * specification allows 24 to 64).
 */
export const SIGNING_SECRET_BYTES = 32;

/** Makes each job's webhook signing secret (`whsec_` + base64 of random bytes). */
@Injectable()
export class SigningSecretGenerator {
  generate(): string {
    return `${SIGNING_SECRET_PREFIX}${randomBytes(SIGNING_SECRET_BYTES).toString('base64')}`;
  }
}
