import { Injectable } from '@nestjs/common';
import { AttemptDeferralService } from './attempt-deferral.service.js';
import { deferralDelayMs } from './deferral-delay.js';
import type { ClaimedExecution } from './execution.repository.js';
import { TenantLimiterStore } from './tenant-limiter.store.js';

/**
 * A tenant's slot lapses after the attempt's timeout plus this margin even if its worker
 * never frees it (killed mid-request): the admission and release calls around the request
 * and a GC pause fit in 5 s.
 */
const SLOT_MARGIN_MS = 5_000;

/**
 * A refusal for concurrency cannot say when a slot frees (that is up to the receivers): the
 * attempt comes back after 250-500 ms. Short, because every one of the tenant's executions
 * is late while it waits; not shorter, because each refusal is a claim and a deferral.
 */
const CONCURRENCY_RETRY_MS = 250;

export interface TenantSlot {
  /** The request is over (or never started): frees the tenant's slot. Idempotent. */
  release(): Promise<void>;
}

const NO_SLOT: TenantSlot = { release: () => Promise.resolve() };

/**
 * Lets a claimed attempt start under its tenant's `maxConcurrentExecutions` and
 * `maxExecutionsPerSecond`, counted across all workers, or puts it back unsent (deferred,
 * not failed, its attempt uncounted): over a cap, executions are late, never lost.
 */
@Injectable()
export class TenantAdmissionService {
  constructor(
    private readonly store: TenantLimiterStore,
    private readonly deferral: AttemptDeferralService,
  ) {}

  /** A slot to send the attempt under, or null when it was put back for later. */
  async admit(execution: ClaimedExecution, attempt: number): Promise<TenantSlot | null> {
    const limits = execution.tenantLimits;
    if (limits.maxConcurrentExecutions === null && limits.maxExecutionsPerSecond === null) {
      return NO_SLOT;
    }
    const decision = await this.store.acquire(
      execution.tenantId,
      execution.id,
      `${execution.id}:${attempt}`,
      limits,
      execution.timeoutSeconds * 1000 + SLOT_MARGIN_MS,
    );
    if (decision.admitted) {
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await this.store.release(execution.tenantId, execution.id);
        },
      };
    }
    const base = decision.retryInMs > 0 ? decision.retryInMs : CONCURRENCY_RETRY_MS;
    const reason =
      decision.limit === 'concurrency'
        ? `delayed: the tenant's ${limits.maxConcurrentExecutions} concurrent executions (maxConcurrentExecutions) are in flight`
        : `delayed: the tenant started ${limits.maxExecutionsPerSecond} executions in the last second (maxExecutionsPerSecond)`;
    await this.deferral.defer(
      execution,
      attempt,
      decision.limit === 'concurrency' ? 'tenant_concurrency' : 'tenant_rate',
      deferralDelayMs(base, base, Math.random),
      reason,
    );
    return null;
  }
}
