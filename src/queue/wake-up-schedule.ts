/**
 * When a waiting claimer should look at the queue again: when the wait it asked for is over,
 * or earlier, when a notification says an item is due sooner. Pure bookkeeping on this
 * process's monotonic clock; the notifications themselves come from
 * `PostgresQueueListener`.
 *
 * No wake-up is lost between a claim and the wait after it: a claim *starting* forgets the
 * notifications received before it (its own snapshot already sees those items, and its
 * `nextDueInMs` accounts for them), and everything received after it is kept until the next
 * claim starts, so a notification that lands while the claim is in flight still shortens
 * the wait that follows.
 */
export class WakeUpSchedule {
  /** Monotonic ms at which a notified item is due; Infinity when none is pending. */
  private pendingAt = Number.POSITIVE_INFINITY;
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** A claim is about to read the queue: what it will see needs no wake-up. */
  claimStarting(): void {
    this.pendingAt = Number.POSITIVE_INFINITY;
  }

  /** An item becomes claimable in `inMs` (0: now). Shortens every wait that ends later. */
  notify(inMs: number): void {
    const at = this.clock() + Math.max(0, inMs);
    this.pendingAt = Math.min(this.pendingAt, at);
    for (const waiter of this.waiters) waiter.until(at);
  }

  /**
   * Resolves after `ms`, or when a pending or later notification is due, or when `signal`
   * aborts, whichever is first. Never rejects.
   */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter = new Waiter(this.clock, () => {
        this.waiters.delete(waiter);
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = () => waiter.fire();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
      waiter.until(Math.min(this.clock() + Math.max(0, ms), this.pendingAt));
    });
  }

  /** Waits in progress (tests; a closing listener wakes them). */
  get waiting(): number {
    return this.waiters.size;
  }
}

class Waiter {
  private wakeAt = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private fired = false;

  constructor(
    private readonly clock: () => number,
    private readonly onFire: () => void,
  ) {}

  /** Wakes at `at` (monotonic ms) unless already set to wake earlier. */
  until(at: number): void {
    if (this.fired || at >= this.wakeAt) return;
    this.wakeAt = at;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(at - this.clock())));
  }

  fire(): void {
    if (this.fired) return;
    this.fired = true;
    clearTimeout(this.timer);
    this.onFire();
  }
}
