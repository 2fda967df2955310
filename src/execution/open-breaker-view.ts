import type { BreakerState } from './circuit-breaker.rules.js';

/**
 * The destinations whose breaker this worker last saw open or half-open, for the
 * `jobsched_breaker_open_destinations` gauge. A worker only learns a breaker's state when it
 * asks about an attempt, so an entry not refreshed for `staleAfterMs` is dropped: another
 * worker may have closed that breaker since, and a destination this worker no longer calls
 * says nothing about this worker.
 */
export class OpenBreakerView {
  /** Destination → when (monotonic ms) this worker last saw its breaker not closed. */
  private readonly seen = new Map<string, number>();
  private lastSweep: number;

  constructor(
    private readonly staleAfterMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastSweep = now();
  }

  observe(destination: string, state: BreakerState): void {
    const now = this.now();
    if (state === 'closed') this.seen.delete(destination);
    else this.seen.set(destination, now);
    // Also swept here, at most once per window: nothing may scrape this worker's metrics, and
    // the map must not keep every destination that was ever open.
    if (now - this.lastSweep >= this.staleAfterMs) this.sweep(now);
  }

  count(): number {
    this.sweep(this.now());
    return this.seen.size;
  }

  /** Entries held right now, stale or not (for tests of the sweep). */
  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    const oldest = now - this.staleAfterMs;
    for (const [destination, seenAt] of this.seen) {
      if (seenAt < oldest) this.seen.delete(destination);
    }
  }
}
