import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { JobSecretsCipher } from '../secrets/job-secrets.cipher.js';
import type { WebhookTarget } from '../secrets/job-secrets.cipher.js';
import type { ClaimedExecution } from './execution.repository.js';
import { buildWebhookRequest } from './webhook-request.js';
import type { WebhookRequest } from './webhook-request.js';
import { WebhookSigner } from './webhook-signer.js';
import { WorkerIdentity } from './worker-identity.js';

/**
 * The request of one attempt, made right before it is sent: the job's secrets are opened
 * here and live only in this request, and `webhook-timestamp` is the send time of this
 * attempt (each retry is signed afresh; `webhook-id` stays the execution id).
 */
@Injectable()
export class WebhookRequestFactory {
  constructor(
    private readonly cipher: JobSecretsCipher,
    private readonly signer: WebhookSigner,
    private readonly identity: WorkerIdentity,
    private readonly clock: Clock,
  ) {}

  /** Throws `SecretDecryptionError` when the job's secrets cannot be opened. */
  build(execution: ClaimedExecution, attempt: number): WebhookRequest {
    const target = this.target(execution);
    const secrets = execution.signingSecretsSealed.map((sealed) =>
      this.cipher.openSigningSecret(execution.jobId, sealed),
    );
    const request = buildWebhookRequest({
      jobId: execution.jobId,
      executionId: execution.id,
      scheduledAt: execution.scheduledAt,
      attempt,
      method: execution.httpMethod,
      url: target.url,
      headers: target.headers,
      body: execution.httpBody,
      version: this.identity.version,
    });
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    request.headers['webhook-id'] = execution.id;
    request.headers['webhook-timestamp'] = String(timestamp);
    // A row from before encryption at rest has no secret until the boot step gives it one.
    if (secrets.length > 0) {
      // The exact bytes sent: undici writes a string body as UTF-8, as the HMAC reads it.
      request.headers['webhook-signature'] = this.signer.signature(
        secrets,
        execution.id,
        timestamp,
        request.body ?? '',
      );
    }
    return request;
  }

  private target(execution: ClaimedExecution): WebhookTarget {
    if (execution.httpTargetSealed === null) {
      return { url: execution.httpUrl, headers: execution.httpHeaders };
    }
    return this.cipher.openTarget(execution.jobId, execution.httpTargetSealed);
  }
}
