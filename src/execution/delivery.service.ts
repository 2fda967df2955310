import { Injectable, Logger } from '@nestjs/common';
import { ExecutionQueue } from '../queue/execution-queue.js';
import { SecretDecryptionError } from '../secrets/secret-decryption.error.js';
import { AttemptRecorder } from './attempt-recorder.js';
import {
  classifyOutcome,
  decideAttemptStatus,
  errorSummary,
  retryDelayMs,
} from './delivery-policy.js';
import type { DestinationPass } from './destination-admission.service.js';
import type { AttemptResult, AttemptStatus, ClaimedExecution } from './execution.repository.js';
import { ExecutionRepository } from './execution.repository.js';
import { ExecutionMetrics } from './execution.metrics.js';
import { WebhookClient } from './webhook-client.js';
import type { WebhookOutcome } from './webhook-client.js';
import type { WebhookRequest } from './webhook-request.js';
import { WebhookRequestFactory } from './webhook-request.factory.js';
import { WorkerIdentity } from './worker-identity.js';

/**
 * Sends one claimed attempt and settles it: PostgreSQL first (the source of truth), then the
 * queue. In that order a crash between the two leaves the execution settled in PostgreSQL
 * and merely leased in the queue; the lease expires, the item is claimed again, and the
 * claim refuses it because it is no longer QUEUED, RETRYING or RUNNING.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly identity: WorkerIdentity,
    private readonly client: WebhookClient,
    private readonly recorder: AttemptRecorder,
    private readonly executions: ExecutionRepository,
    private readonly queue: ExecutionQueue,
    private readonly metrics: ExecutionMetrics,
    private readonly requests: WebhookRequestFactory,
  ) {}

  /** An execution the claim refused: stale (already settled or removed), or abandoned. */
  async settleRefused(execution: ClaimedExecution | undefined, id: string): Promise<void> {
    const token = this.identity.leaseToken;
    if (execution?.previousStatus === 'RUNNING') {
      const reason =
        execution.executionType === 'AT_MOST_ONCE'
          ? 'outcome unknown: the worker was lost mid-request; AT_MOST_ONCE executions are never sent twice'
          : 'no attempts left: the worker of the last attempt was lost mid-request';
      if (await this.executions.failAbandoned(id, reason)) {
        this.metrics.finished.inc({ status: 'FAILED' });
        await this.queue.deadLetter(id, token);
        return;
      }
    }
    await this.queue.complete(id, token, 'completed');
  }

  /**
   * Sends the attempt `pass` admitted to its destination and settles it. The pass's permit
   * is freed as soon as the request is over, before the outcome is written.
   */
  async deliver(
    execution: ClaimedExecution,
    attempt: number,
    pass: DestinationPass,
    signal: AbortSignal,
  ): Promise<void> {
    const token = this.identity.leaseToken;
    if (attempt === 1) {
      this.metrics.lateness.observe((Date.now() - execution.scheduledAt.getTime()) / 1000);
    }
    const request = this.buildRequest(execution, attempt);
    let outcome: WebhookOutcome;
    if ('unopenable' in request) {
      // Nothing was sent: the destination learned nothing, so the breaker hears nothing.
      pass.release();
      outcome = request.unopenable;
    } else {
      try {
        outcome = await this.client.send(request, {
          timeoutMs: execution.timeoutSeconds * 1000,
          signal,
        });
      } catch (error) {
        pass.release();
        throw error;
      }
      await pass.finish(outcome);
    }

    if (outcome.kind === 'aborted' && execution.executionType === 'AT_LEAST_ONCE') {
      // Shutting down: hand the execution back; another worker sends it again.
      if (await this.executions.requeueAborted(execution.id, attempt)) {
        await this.queue.release([execution.id], token);
      }
      return;
    }

    const status = decideAttemptStatus(
      {
        executionType: execution.executionType,
        attemptsUsed: attempt - execution.attemptBase,
        maxAttempts: execution.retryPolicy.maxAttempts,
      },
      outcome,
    );
    const delayMs =
      status === 'RETRYING'
        ? retryDelayMs(
            execution.retryPolicy,
            attempt - execution.attemptBase,
            outcome.kind === 'response' ? outcome.retryAfterMs : null,
            Math.random,
          )
        : 0;
    // A status line whose body never completed is not the receiver's answer: `httpStatus`
    // stays null and `error` names that status; the bytes that came are kept as the excerpt.
    const excerpt =
      outcome.kind === 'response' ? outcome.bodyExcerpt : outcome.partialResponse?.bodyExcerpt;
    const result: AttemptResult = {
      id: execution.id,
      attempt,
      status,
      httpStatus: outcome.kind === 'response' ? outcome.status : null,
      durationMs: Math.round(outcome.durationMs),
      responseExcerpt: excerpt ?? null,
      error: status === 'SUCCEEDED' ? null : errorSummary(outcome),
      nextAttemptAt: status === 'RETRYING' ? new Date(Date.now() + delayMs) : null,
    };
    const recorded = await this.recorder.record(result);
    this.metrics.attempts.inc({ outcome: classifyOutcome(outcome) });
    if (!recorded) {
      // Claimed again by someone else after our lease expired: their attempt decides.
      this.logger.warn(`Attempt ${attempt} of ${execution.id} was superseded; not recorded`);
      return;
    }
    this.metrics.finished.inc({ status });
    const acknowledged = await this.acknowledge(execution.id, status, delayMs);
    if (!acknowledged) {
      // PostgreSQL has the outcome; the queue item went back to ready when our lease
      // expired and whoever claims it will find it settled and drop it.
      this.logger.warn(`Lease of ${execution.id} was lost before its acknowledgement`);
    }
  }

  /**
   * A job whose secrets cannot be opened (its key is not configured here, or the row was
   * altered) is not sent: the attempt fails as never sent, so it is retried per policy (a
   * worker with the right key may take it) and the reason is in its history.
   */
  private buildRequest(
    execution: ClaimedExecution,
    attempt: number,
  ): WebhookRequest | { unopenable: WebhookOutcome } {
    try {
      return this.requests.build(execution, attempt);
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      return {
        unopenable: {
          kind: 'network-error',
          durationMs: 0,
          error: `not sent: the job's secrets cannot be decrypted (${error.message})`,
          requestSent: false,
          partialResponse: null,
        },
      };
    }
  }

  private acknowledge(id: string, status: AttemptStatus, delayMs: number): Promise<boolean> {
    const token = this.identity.leaseToken;
    switch (status) {
      case 'SUCCEEDED':
        return this.queue.complete(id, token, 'completed');
      case 'RETRYING':
        return this.queue.retry(id, token, delayMs);
      case 'FAILED':
        return this.queue.deadLetter(id, token);
    }
  }
}
