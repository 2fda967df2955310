import { Injectable, Logger } from '@nestjs/common';
import { ExecutionQueue } from '../queue/execution-queue.js';
import { DestinationMetrics } from './destination.metrics.js';
import type { DeferralCause } from './destination.metrics.js';
import { ExecutionRepository } from './execution.repository.js';
import type { ClaimedExecution } from './execution.repository.js';
import { WorkerIdentity } from './worker-identity.js';

/**
 * Puts a claimed attempt that was never sent back for later: PostgreSQL first (the claim is
 * undone: `ExecutionRepository.deferClaimed`), then the queue (due `delayMs` after the
 * queue's now, or at once). The attempt is not counted, so this works alike for both
 * execution types: nothing left the worker, so even AT_MOST_ONCE may go later.
 */
@Injectable()
export class AttemptDeferralService {
  private readonly logger = new Logger(AttemptDeferralService.name);

  constructor(
    private readonly identity: WorkerIdentity,
    private readonly executions: ExecutionRepository,
    private readonly queue: ExecutionQueue,
    private readonly metrics: DestinationMetrics,
  ) {}

  async defer(
    execution: ClaimedExecution,
    attempt: number,
    cause: DeferralCause,
    delayMs: number,
    reason: string,
  ): Promise<void> {
    if (!(await this.executions.deferClaimed(execution.id, attempt, delayMs, reason))) {
      // Claimed again by someone else after our lease expired: theirs decides.
      this.logger.warn(`Attempt ${attempt} of ${execution.id} was superseded; not deferred`);
      return;
    }
    this.metrics.deferred.inc({ reason: cause });
    const token = this.identity.leaseToken;
    const handedBack =
      delayMs > 0
        ? await this.queue.retry(execution.id, token, delayMs)
        : (await this.queue.release([execution.id], token)) === 1;
    if (!handedBack) {
      // PostgreSQL has the deferral; the item went back to ready when our lease expired,
      // and whoever claims it finds it RETRYING and sends it (earlier than planned).
      this.logger.warn(`Lease of ${execution.id} was lost before its deferral`);
    }
  }
}
