import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import type { BreakerTransition } from './circuit-breaker.rules.js';
import { DestinationLimiter } from './destination-limiter.js';
import { OpenBreakerView } from './open-breaker-view.js';

/** Why an attempt went back to the queue unsent (the `reason` label). */
export type DeferralCause =
  'circuit_open' | 'destination_busy' | 'shutdown' | 'tenant_concurrency' | 'tenant_rate';

/**
 * The per-destination protections, on the worker's registry. No label names a destination or
 * a job: label values are the fixed sets below, so the number of series stays constant
 * however many destinations there are. Which destination is affected is in the logs and in
 * each execution's `error`.
 */
@Injectable()
export class DestinationMetrics {
  /** Transitions this worker made happen; summed over workers, every transition once. */
  readonly breakerTransitions: Counter<'to'>;
  readonly deferred: Counter<'reason'>;
  readonly openDestinations: Gauge;
  readonly waitingAttempts: Gauge;

  constructor(registry: Registry, view: OpenBreakerView, limiter: DestinationLimiter) {
    this.breakerTransitions = new Counter({
      name: 'jobsched_breaker_transitions_total',
      help: 'Circuit breaker transitions made by this worker, by new state (open, half_open, closed)',
      labelNames: ['to'],
      registers: [registry],
    });
    this.deferred = new Counter({
      name: 'jobsched_attempts_deferred_total',
      help: 'Claimed attempts put back unsent, not counted as attempts, by reason (circuit_open, destination_busy, shutdown, tenant_concurrency, tenant_rate)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.openDestinations = new Gauge({
      name: 'jobsched_breaker_open_destinations',
      help: 'Destinations whose circuit breaker this worker last saw open or half-open',
      registers: [registry],
      collect() {
        this.set(view.count());
      },
    });
    this.waitingAttempts = new Gauge({
      name: 'jobsched_destination_waiting_attempts',
      help: 'Attempts waiting in this worker for a per-destination concurrency permit',
      registers: [registry],
      collect() {
        this.set(limiter.waiting);
      },
    });
    // Every series exists from the start, so rate() and absent() work before the first event.
    for (const to of ['open', 'half_open', 'closed'] satisfies BreakerTransition[]) {
      this.breakerTransitions.inc({ to }, 0);
    }
    for (const reason of [
      'circuit_open',
      'destination_busy',
      'shutdown',
      'tenant_concurrency',
      'tenant_rate',
    ] satisfies DeferralCause[]) {
      this.deferred.inc({ reason }, 0);
    }
  }
}
