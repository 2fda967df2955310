import { Injectable, Logger } from '@nestjs/common';
import { breakerVerdict } from './circuit-breaker.rules.js';
import type { BreakerAttempt, BreakerTransition } from './circuit-breaker.rules.js';
import { CircuitBreakerStore } from './circuit-breaker.store.js';
import type { AdmitResult } from './circuit-breaker.store.js';
import { DestinationMetrics } from './destination.metrics.js';
import { OpenBreakerView } from './open-breaker-view.js';
import type { WebhookOutcome } from './webhook-client.js';

/**
 * The worker's side of the shared circuit breakers: asks the store, counts and logs the
 * transitions this worker made, and keeps this worker's view for the open-destinations gauge.
 *
 * The breaker protects destinations and the pool; it is not what makes delivery correct.
 * So when the store cannot be reached, it fails open: the attempt is sent as if the breaker
 * were closed, and the error is logged. (Delaying instead would hold every destination
 * hostage to the store.)
 */
@Injectable()
export class CircuitBreakerService {
  private readonly logger = new Logger(CircuitBreakerService.name);

  constructor(
    private readonly store: CircuitBreakerStore,
    private readonly view: OpenBreakerView,
    private readonly metrics: DestinationMetrics,
  ) {}

  /** The store's decision, or null if the store failed (then: send). */
  async admit(destination: string, attempt: BreakerAttempt): Promise<AdmitResult | null> {
    let result: AdmitResult;
    try {
      result = await this.store.admit(destination, attempt);
    } catch (error) {
      this.logger.error(
        `Circuit breaker of ${destination} unavailable, sending without it: ${describe(error)}`,
      );
      return null;
    }
    this.view.observe(destination, result.state);
    this.noteTransition(destination, result.transition, result.failures);
    return result;
  }

  /** Tells the store what the destination did. A store failure is logged, not thrown. */
  async report(destination: string, attemptId: string, outcome: WebhookOutcome): Promise<void> {
    try {
      const result = await this.store.recordOutcome(
        destination,
        attemptId,
        breakerVerdict(outcome),
      );
      this.view.observe(destination, result.state);
      this.noteTransition(destination, result.transition, result.failures);
    } catch (error) {
      // The attempt's own outcome is still recorded; only the breaker misses one data point.
      this.logger.error(
        `Could not report attempt ${attemptId} to the circuit breaker of ${destination}: ${describe(error)}`,
      );
    }
  }

  private noteTransition(
    destination: string,
    transition: BreakerTransition | null,
    failures: number,
  ): void {
    if (transition === null) return;
    this.metrics.breakerTransitions.inc({ to: transition });
    switch (transition) {
      case 'open':
        this.logger.warn(
          `Circuit for ${destination} opened after ${failures} consecutive failures`,
        );
        return;
      case 'half_open':
        this.logger.log(`Circuit for ${destination} half-open: sending one probe`);
        return;
      case 'closed':
        this.logger.log(`Circuit for ${destination} closed: the probe succeeded`);
        return;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
