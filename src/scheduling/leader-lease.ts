/**
 * Who may *try* to schedule: one lease, held by at most one scheduler process at a time
 * (Redlock on the Redis backend, a row with a database-clock expiry on PostgreSQL). The
 * lease is only the first line: correctness lives in the fencing epoch that the winner then
 * takes (`LeadershipRepository`), so a holder whose lease ran out while it was paused cannot
 * write even if it still believes it leads.
 */
export abstract class LeaderLease {
  /**
   * Takes the lease for `ttlMs` unless another holder's lease is still running: null then.
   * Rejects when the backend cannot be asked (unreachable), which is not the same answer.
   */
  abstract acquire(holder: string, ttlMs: number): Promise<HeldLease | null>;
}

export interface HeldLease {
  /**
   * False as soon as the lease may have expired by the backend's clock, judged on this
   * process's clock from when it was last granted (the request's start), less a drift
   * margin: the holder stops first, never the standby early.
   */
  readonly valid: boolean;
  /** Extends it by `ttlMs` from the backend's now; rejects if it is no longer this holder's. */
  extend(ttlMs: number): Promise<void>;
  /** Gives it up so a standby can take it at once rather than after a TTL. */
  release(): Promise<void>;
}

/**
 * Clocks drift: a lease granted for `ttlMs` is trusted locally for 1% less, plus 2 ms for
 * timer granularity (Redlock's own rule, `driftFactor` 0.01).
 */
export function locallyValidFor(ttlMs: number): number {
  return ttlMs - Math.round(ttlMs * 0.01) - 2;
}
