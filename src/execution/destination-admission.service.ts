import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AttemptDeferralService } from './attempt-deferral.service.js';
import { CircuitBreakerService } from './circuit-breaker.service.js';
import type { AdmitResult } from './circuit-breaker.store.js';
import { deferralDelayMs } from './deferral-delay.js';
import { destinationOf } from './destination.js';
import { DestinationLimiter } from './destination-limiter.js';
import type { DestinationPermit } from './destination-limiter.js';
import type { ClaimedExecution } from './execution.repository.js';
import type { WebhookOutcome } from './webhook-client.js';

/**
 * An attempt over its destination's cap waits in this worker only if it can expect a permit
 * within 2 s (and gives up after 2 s if the estimate was wrong). Waiting attempts hold no
 * pool slot, but they are executions no other worker can send meanwhile: for a fast
 * destination a short wait is cheaper than a round trip through the queue; for a slow one
 * (each request holding its permit for seconds) the attempt goes back to the queue at once,
 * so that the worker can claim work for other destinations instead of sitting on it.
 */
export const DESTINATION_WAIT_LIMIT_MS = 2_000;

/**
 * An attempt put back because its destination is busy comes back after the wait it was
 * told to expect, plus up to as much again so that those put back together do not return
 * together; at least 1 s (so the claim loop does not spin on it) and at most 60 s (so no
 * estimate parks it for long).
 */
const BUSY_MIN_DELAY_MS = 1_000;
const BUSY_MAX_DELAY_MS = 60_000;

/**
 * A probe may stay out for its timeout plus 5 s (the breaker calls before and after the
 * request, a GC pause) before another attempt may probe instead.
 */
const PROBE_LEASE_MARGIN_MS = 5_000;

export interface AdmissionOptions {
  /** Aborted when the worker stops: attempts still waiting for a permit go back unsent. */
  stop: AbortSignal;
  /** Called when the attempt starts waiting for a permit (it frees its pool slot). */
  onWait: () => void;
}

/**
 * Lets a claimed attempt through to its destination, or puts it back unsent: first a permit
 * of the per-destination cap (`WEBHOOK_MAX_CONCURRENCY_PER_DESTINATION`, waited for in this
 * worker before the request's timeout starts), then the destination's shared circuit breaker.
 * What it puts back is deferred through `AttemptDeferralService` (the attempt is not counted).
 */
@Injectable()
export class DestinationAdmissionService {
  constructor(
    private readonly config: AppConfig,
    private readonly limiter: DestinationLimiter,
    private readonly breaker: CircuitBreakerService,
    private readonly deferral: AttemptDeferralService,
  ) {}

  /** Attempts waiting in this worker for a destination permit. */
  get waiting(): number {
    return this.limiter.waiting;
  }

  /** A pass to send the attempt, or null when it was put back for later. */
  async admit(
    execution: ClaimedExecution,
    attempt: number,
    options: AdmissionOptions,
  ): Promise<DestinationPass | null> {
    const destination = destinationOf(execution.httpUrl);
    // Not an http(s) URL: the webhook client reports it as never sent; no destination to guard.
    if (destination === null) return new DestinationPass(null, null);

    const permit = await this.permitFor(destination, options);
    if (!isPermit(permit)) {
      await this.putBack(execution, attempt, destination, permit);
      return null;
    }
    const breakerAttempt = {
      id: `${execution.id}:${attempt}`,
      probeLeaseMs: execution.timeoutSeconds * 1000 + PROBE_LEASE_MARGIN_MS,
    };
    let decision: AdmitResult | null;
    try {
      decision = await this.breaker.admit(destination, breakerAttempt);
    } catch (error) {
      permit.release();
      throw error;
    }
    const pass = new DestinationPass(permit, {
      report: (outcome) => this.breaker.report(destination, breakerAttempt.id, outcome),
    });
    if (decision?.admission !== 'reject') return pass;

    pass.release();
    const cooldownMs = this.config.destinations.breakerCooldownMs;
    await this.deferral.defer(
      execution,
      attempt,
      'circuit_open',
      deferralDelayMs(decision.retryAfterMs, cooldownMs, Math.random),
      circuitOpenReason(destination, decision),
    );
    return null;
  }

  private async permitFor(
    destination: string,
    options: AdmissionOptions,
  ): Promise<DestinationPermit | Busy | 'stopped'> {
    const free = this.limiter.tryAcquire(destination);
    if (free !== null) return free;
    const expectedMs = this.limiter.expectedWaitMs(destination);
    if (expectedMs > DESTINATION_WAIT_LIMIT_MS) return { busyForMs: expectedMs };

    const waitedOut = new AbortController();
    const timer = setTimeout(() => waitedOut.abort(), DESTINATION_WAIT_LIMIT_MS);
    const permit = this.limiter.acquire(
      destination,
      AbortSignal.any([options.stop, waitedOut.signal]),
    );
    options.onWait();
    try {
      return await permit;
    } catch (error) {
      if (options.stop.aborted) return 'stopped';
      if (waitedOut.signal.aborted) {
        return { busyForMs: this.limiter.expectedWaitMs(destination) };
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async putBack(
    execution: ClaimedExecution,
    attempt: number,
    destination: string,
    why: Busy | 'stopped',
  ): Promise<void> {
    const cap = this.limiter.maxPerDestination;
    if (why === 'stopped') {
      await this.deferral.defer(
        execution,
        attempt,
        'shutdown',
        0,
        `delayed: the worker stopped while waiting for one of its ${cap} connections to ${destination}`,
      );
      return;
    }
    const baseMs = Math.min(Math.max(why.busyForMs, BUSY_MIN_DELAY_MS), BUSY_MAX_DELAY_MS);
    await this.deferral.defer(
      execution,
      attempt,
      'destination_busy',
      deferralDelayMs(baseMs, baseMs, Math.random),
      `delayed: ${destination} busy: all ${cap} of this worker's connections to it in use`,
    );
  }
}

/** A destination's permits are all taken, and the next is expected in about this long. */
interface Busy {
  busyForMs: number;
}

function isPermit(value: DestinationPermit | Busy | 'stopped'): value is DestinationPermit {
  return typeof value === 'object' && 'release' in value;
}

/** The execution's `error` while the breaker delays it (log-safe: the origin only). */
export function circuitOpenReason(destination: string, decision: AdmitResult): string {
  const probing = decision.state === 'half_open' ? '; a probe is in flight' : '';
  return `delayed: circuit open for ${destination} after ${decision.failures} consecutive failures${probing}`;
}

interface OutcomeSink {
  report(outcome: WebhookOutcome): Promise<void>;
}

/**
 * Permission to send one attempt: holds its destination permit until the request is over,
 * then tells the breaker what the destination did.
 */
export class DestinationPass {
  constructor(
    private readonly permit: DestinationPermit | null,
    private readonly sink: OutcomeSink | null,
  ) {}

  /** The request is over: frees the permit at once, then reports the outcome to the breaker. */
  async finish(outcome: WebhookOutcome): Promise<void> {
    this.release();
    await this.sink?.report(outcome);
  }

  /** Frees the permit without an outcome (nothing was sent, or an error). Idempotent. */
  release(): void {
    this.permit?.release();
  }
}
