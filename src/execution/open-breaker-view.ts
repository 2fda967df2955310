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

  constructor(
    private readonly staleAfterMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  observe(destination: string, state: BreakerState): void {
    if (state === 'closed') this.seen.delete(destination);
    else this.seen.set(destination, this.now());
  }

  count(): number {
    const oldest = this.now() - this.staleAfterMs;
    for (const [destination, seenAt] of this.seen) {
      if (seenAt < oldest) this.seen.delete(destination);
    }
    return this.seen.size;
  }
}
