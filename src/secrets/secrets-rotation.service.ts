import { Injectable } from '@nestjs/common';
import { JobSecretsCipher } from './job-secrets.cipher.js';
import { JobSecretsRepository } from './job-secrets.repository.js';
import type { ResealedJobSecrets, SealedJobSecrets } from './job-secrets.repository.js';
import { SecretCipher } from './secret-cipher.js';
import { SecretDecryptionError } from './secret-decryption.error.js';

const BEFORE_FIRST_ID = '00000000-0000-0000-0000-000000000000';
/**
 * A pass can leave a value behind when the API rewrote the row in between (a rotation of the
 * signing secret moves the current one to "previous" in SQL). Another pass finds it; three
 * are plenty unless something rewrites rows continuously.
 */
const MAX_PASSES = 3;

export interface RotationResult {
  /** Sealed values rewritten with the current key. */
  resealed: number;
  /** Values sealed with a key this process does not have: left as they are. */
  unreadable: number;
  /** Values still not under the current key after the last pass (0 when done). */
  remaining: number;
}

/**
 * `npm run secrets:rotate`: re-seals every value not sealed with `SECRETS_ENCRYPTION_KEY`
 * (that is, sealed with `SECRETS_ENCRYPTION_KEY_PREVIOUS`) with the current key. Batched
 * (one SELECT and one UPDATE per `batchSize` jobs), idempotent (a second run finds nothing),
 * and safe while services run: each write is a compare-and-set on the value read.
 */
@Injectable()
export class SecretsRotationService {
  constructor(
    private readonly repository: JobSecretsRepository,
    private readonly cipher: JobSecretsCipher,
  ) {}

  async rotate(batchSize = 500): Promise<RotationResult> {
    let resealed = 0;
    let unreadable = 0;
    let pending = 0;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const outcome = await this.pass(batchSize);
      resealed += outcome.resealed;
      unreadable = outcome.unreadable;
      pending = outcome.pending;
      if (pending === 0) break;
    }
    return { resealed, unreadable, remaining: pending + unreadable };
  }

  private async pass(
    batchSize: number,
  ): Promise<{ resealed: number; unreadable: number; pending: number }> {
    const keyId = this.cipher.currentKeyId;
    let afterId = BEFORE_FIRST_ID;
    let resealed = 0;
    let unreadable = 0;
    let attempted = 0;
    for (;;) {
      const rows = await this.repository.notSealedWith(keyId, afterId, batchSize);
      const last = rows.at(-1);
      if (last === undefined) break;
      afterId = last.id;
      const writes: ResealedJobSecrets[] = [];
      for (const row of rows) {
        const write = this.reseal(row, keyId);
        unreadable += write.unreadable;
        attempted += write.attempted;
        writes.push(write.values);
      }
      resealed += await this.repository.writeResealed(writes);
    }
    return { resealed, unreadable, pending: attempted - resealed };
  }

  private reseal(
    row: SealedJobSecrets,
    keyId: string,
  ): { values: ResealedJobSecrets; attempted: number; unreadable: number } {
    let attempted = 0;
    let unreadable = 0;
    const one = (
      sealed: string | null,
      reseal: (jobId: string, value: string) => string,
    ): { from: string; to: string } | null => {
      if (sealed === null || SecretCipher.keyIdOf(sealed) === keyId) return null;
      try {
        const to = reseal(row.id, sealed);
        attempted += 1;
        return { from: sealed, to };
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        unreadable += 1;
        return null;
      }
    };
    const values: ResealedJobSecrets = {
      id: row.id,
      target: one(row.target, (id, value) => this.cipher.resealTarget(id, value)),
      signingSecret: one(row.signingSecret, (id, value) =>
        this.cipher.resealSigningSecret(id, value),
      ),
      previousSigningSecret: one(row.previousSigningSecret, (id, value) =>
        this.cipher.resealSigningSecret(id, value),
      ),
    };
    return { values, attempted, unreadable };
  }
}
