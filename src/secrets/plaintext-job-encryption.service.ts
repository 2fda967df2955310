import { Injectable } from '@nestjs/common';
import { redactHeaders, redactUrl } from '../common/redaction.js';
import { JobSecretsCipher } from './job-secrets.cipher.js';
import { JobSecretsRepository } from './job-secrets.repository.js';
import type { EncryptedJobWrite } from './job-secrets.repository.js';
import { SigningSecretGenerator } from './signing-secret.generator.js';

/** Rows per statement: 500 keeps one UPDATE's parameter arrays well under 1 MB. */
const BATCH_SIZE = 500;
/** Lower than every UUID, where the keyset walk starts. */
const BEFORE_FIRST_ID = '00000000-0000-0000-0000-000000000000';

export interface PlaintextEncryptionResult {
  encrypted: number;
  /** Rows that changed between read and write (an older process wrote them): left for the next boot. */
  skipped: number;
}

/**
 * The boot step that finishes migration `EncryptedJobSecrets`: every job still in plain
 * text (`http_target_sealed IS NULL`) gets its real URL and headers sealed, redacted copies
 * in `http_url`/`http_headers`, and a signing secret (an operator obtains it by rotating).
 * Run under the migration lock at every start (`SecretsModule`) and by
 * `npm run migration:run`; once nothing is left it is one empty SELECT.
 */
@Injectable()
export class PlaintextJobEncryptionService {
  constructor(
    private readonly repository: JobSecretsRepository,
    private readonly cipher: JobSecretsCipher,
    private readonly signingSecrets: SigningSecretGenerator,
  ) {}

  async encryptRemaining(): Promise<PlaintextEncryptionResult> {
    const result: PlaintextEncryptionResult = { encrypted: 0, skipped: 0 };
    let afterId = BEFORE_FIRST_ID;
    for (;;) {
      const rows = await this.repository.plaintextBatch(afterId, BATCH_SIZE);
      const last = rows.at(-1);
      if (last === undefined) return result;
      afterId = last.id;
      const writes = rows.map((row): EncryptedJobWrite => ({
        id: row.id,
        plainUrl: row.httpUrl,
        plainHeaders: row.httpHeaders,
        redactedUrl: redactUrl(row.httpUrl),
        redactedHeaders: redactHeaders(row.httpHeaders),
        targetSealed: this.cipher.sealTarget(row.id, {
          url: row.httpUrl,
          headers: row.httpHeaders,
        }),
        signingSecretSealed: this.cipher.sealSigningSecret(row.id, this.signingSecrets.generate()),
      }));
      const written = await this.repository.writeEncrypted(writes);
      result.encrypted += written;
      result.skipped += writes.length - written;
    }
  }
}
