import type {
  Admission,
  BreakerAttempt,
  BreakerState,
  BreakerTransition,
  BreakerVerdict,
} from './circuit-breaker.rules.js';

/** The store's answer to "may this attempt go?" (see `admitAttempt`). */
export interface AdmitResult {
  admission: Admission;
  /** The breaker's state after this call. */
  state: BreakerState;
  failures: number;
  /** reject: ms until the breaker may admit another attempt; 0 otherwise. */
  retryAfterMs: number;
  /** The transition this call made, if any: each transition is reported to exactly one caller. */
  transition: BreakerTransition | null;
  /** The store's clock when it decided, epoch ms (the one clock the breaker judges by). */
  decidedAt: number;
}

/** The store's answer to an outcome report (see `recordOutcome`). */
export interface OutcomeResult {
  state: BreakerState;
  failures: number;
  transition: BreakerTransition | null;
  decidedAt: number;
}

/**
 * The circuit breakers' shared state: one record per destination (URL origin), read and
 * changed by every worker. Each call is one atomic step of the rules in
 * `circuit-breaker.rules.ts`, judged by the store's own clock (brief, invariant 6), so that
 * however many workers ask at once, exactly one gets the half-open probe.
 *
 * Backend-neutral on purpose: a PostgreSQL store implements the same contract, so nothing
 * here may mention Redis. The policy (threshold, cooldown) is the store's configuration.
 */
export abstract class CircuitBreakerStore {
  abstract admit(destination: string, attempt: BreakerAttempt): Promise<AdmitResult>;

  abstract recordOutcome(
    destination: string,
    attemptId: string,
    verdict: BreakerVerdict,
  ): Promise<OutcomeResult>;
}
