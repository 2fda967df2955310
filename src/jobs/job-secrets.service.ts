import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/not-found.error.js';
import { redactHeaders, redactUrl } from '../common/redaction.js';
import type { JobEntity } from '../database/entities/job.entity.js';
import { JobSecretsCipher } from '../secrets/job-secrets.cipher.js';
import type { WebhookTarget } from '../secrets/job-secrets.cipher.js';
import { SigningSecretGenerator } from '../secrets/signing-secret.generator.js';
import type { Principal } from '../tenancy/principal.js';
import type { SigningSecretResponse } from './dto/job-responses.dto.js';
import { JobAuditRepository } from './job-audit.repository.js';
import { JobRepository } from './job.repository.js';
import type { StoredTarget } from './job.repository.js';
import { keepRedactedHeaders, keepRedactedUrlParts } from './redacted-value.merge.js';

/** What the API does with a job's secrets: its destination's credentials and signing secret. */
@Injectable()
export class JobSecretsService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly audit: JobAuditRepository,
    private readonly cipher: JobSecretsCipher,
    private readonly generator: SigningSecretGenerator,
  ) {}

  /** A new job's destination as stored; a `[REDACTED]` in it has nothing to keep (400). */
  newTarget(jobId: string, url: string, headers: Readonly<Record<string, string>>): StoredTarget {
    return this.store(jobId, {
      url: keepRedactedUrlParts(url, null),
      headers: keepRedactedHeaders(headers, {}),
    });
  }

  /**
   * The destination after a PATCH, or `undefined` when neither URL nor headers change. Values
   * sent back as `[REDACTED]` keep what is stored (`redacted-value.merge.ts`).
   */
  changedTarget(
    job: JobEntity,
    change: { httpUrl?: string; httpHeaders?: Record<string, string> },
  ): StoredTarget | undefined {
    if (change.httpUrl === undefined && change.httpHeaders === undefined) return undefined;
    const stored = this.storedTarget(job);
    return this.store(job.id, {
      url:
        change.httpUrl === undefined
          ? stored.url
          : keepRedactedUrlParts(change.httpUrl, stored.url),
      headers:
        change.httpHeaders === undefined
          ? stored.headers
          : keepRedactedHeaders(change.httpHeaders, stored.headers),
    });
  }

  /** A new job's signing secret: in clear for the create response (once), sealed for the row. */
  newSigningSecret(jobId: string): { secret: string; sealed: string } {
    const secret = this.generator.generate();
    return { secret, sealed: this.cipher.sealSigningSecret(jobId, secret) };
  }

  /** A new signing secret for one of the caller's jobs, audited in the same transaction. */
  async rotateSigningSecret(
    caller: Principal,
    jobId: string,
    graceSeconds: number,
  ): Promise<SigningSecretResponse> {
    const { secret, sealed } = this.newSigningSecret(jobId);
    return this.jobs.transaction(async (manager) => {
      const rotated = await this.jobs.rotateSigningSecret(
        manager,
        caller,
        jobId,
        sealed,
        graceSeconds,
      );
      if (rotated === null) throw new NotFoundError('Job', jobId);
      await this.audit.record(manager, caller, {
        jobId,
        jobVersion: rotated.version,
        action: 'ROTATE_SIGNING_SECRET',
        actorKeyPrefix: caller.keyPrefix,
        changes: [
          { field: 'signingSecret', from: '[REDACTED]', to: '[REDACTED]' },
          { field: 'graceSeconds', to: graceSeconds },
        ],
      });
      return {
        signingSecret: secret,
        previousSecretExpiresAt: rotated.previousExpiresAt?.toISOString() ?? null,
      };
    });
  }

  /** A row from before encryption at rest still holds its real values in clear. */
  private storedTarget(job: JobEntity): WebhookTarget {
    return job.httpTargetSealed === null
      ? { url: job.httpUrl, headers: job.httpHeaders }
      : this.cipher.openTarget(job.id, job.httpTargetSealed);
  }

  private store(jobId: string, target: WebhookTarget): StoredTarget {
    return {
      httpUrl: redactUrl(target.url),
      httpHeaders: redactHeaders(target.headers),
      httpTargetSealed: this.cipher.sealTarget(jobId, target),
    };
  }
}
