/** A place among a destination's concurrent requests; `release` is idempotent. */
export interface DestinationPermit {
  release(): void;
}

interface Waiter {
  grant: (permit: DestinationPermit) => void;
}

interface Line {
  /** When (monotonic ms) each permit held right now was granted. */
  readonly active: Set<{ grantedAt: number }>;
  readonly waiters: Waiter[];
  /** Moving average of how long a permit is held, ms; null before the first release. */
  holdMs: number | null;
}

/**
 * Weight of the newest hold time in the moving average: 0.2 follows a destination that
 * turned slow (or recovered) within about five requests, without jumping on one outlier.
 */
const HOLD_SMOOTHING = 0.2;

/**
 * At most `maxPerDestination` concurrent requests per destination (URL origin) in this
 * process; further ones wait in line, first come first served. In memory only: the cap
 * is per worker (`WEBHOOK_MAX_CONCURRENCY_PER_DESTINATION`), not cluster-wide.
 *
 * It also estimates how long a newcomer would wait (`expectedWaitMs`), from how long
 * permits of that destination are held, so that a caller can hand an attempt back instead
 * of holding it for a destination that is slow.
 */
export class DestinationLimiter {
  private readonly lines = new Map<string, Line>();
  private waitingCount = 0;

  constructor(
    readonly maxPerDestination: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isSafeInteger(maxPerDestination) || maxPerDestination < 1) {
      throw new RangeError(
        `maxPerDestination must be a positive integer, got ${maxPerDestination}`,
      );
    }
  }

  /** Callers waiting for a permit, over all destinations. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Permits of `destination` held right now. */
  inUse(destination: string): number {
    return this.lines.get(destination)?.active.size ?? 0;
  }

  /** A permit now, or null if the destination is at its cap (or others are already waiting). */
  tryAcquire(destination: string): DestinationPermit | null {
    const line = this.lineOf(destination);
    if (line.active.size >= this.maxPerDestination || line.waiters.length > 0) {
      this.dropIfIdle(destination, line);
      return null;
    }
    return this.grant(destination, line);
  }

  /**
   * How long a caller joining the line now would wait for a permit: its turn (the waiters
   * ahead of it, `maxPerDestination` at a time) times how long a permit is held. A permit's
   * hold is the moving average of past holds, but at least the age of the youngest one held
   * now: a destination that stopped answering has no past holds yet, only ever older ones.
   * 0 when a permit is free.
   */
  expectedWaitMs(destination: string): number {
    const line = this.lines.get(destination);
    if (line === undefined || line.active.size < this.maxPerDestination) return 0;
    const now = this.now();
    let youngestAge = Number.POSITIVE_INFINITY;
    for (const permit of line.active) youngestAge = Math.min(youngestAge, now - permit.grantedAt);
    const holdMs = Math.max(line.holdMs ?? 0, youngestAge);
    const turns = Math.ceil((line.waiters.length + 1) / this.maxPerDestination);
    return Math.round(turns * holdMs);
  }

  /**
   * A permit once one is free, in arrival order. If `signal` aborts first, the caller leaves
   * the line and the promise rejects with the signal's reason.
   */
  acquire(destination: string, signal?: AbortSignal): Promise<DestinationPermit> {
    const now = this.tryAcquire(destination);
    if (now !== null) return Promise.resolve(now);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const line = this.lineOf(destination);
    return new Promise<DestinationPermit>((resolve, reject) => {
      const onAbort = (): void => {
        const index = line.waiters.indexOf(waiter);
        if (index < 0) return;
        line.waiters.splice(index, 1);
        this.waitingCount--;
        this.dropIfIdle(destination, line);
        reject(abortReason(signal!));
      };
      const waiter: Waiter = {
        grant: (permit) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(permit);
        },
      };
      line.waiters.push(waiter);
      this.waitingCount++;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private grant(destination: string, line: Line): DestinationPermit {
    const held = { grantedAt: this.now() };
    line.active.add(held);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const heldMs = this.now() - held.grantedAt;
        line.holdMs =
          line.holdMs === null ? heldMs : line.holdMs + HOLD_SMOOTHING * (heldMs - line.holdMs);
        line.active.delete(held);
        const next = line.waiters.shift();
        if (next === undefined) {
          this.dropIfIdle(destination, line);
          return;
        }
        // The place passes straight to the next in line, before anyone else can ask.
        this.waitingCount--;
        next.grant(this.grant(destination, line));
      },
    };
  }

  private lineOf(destination: string): Line {
    let line = this.lines.get(destination);
    if (line === undefined) {
      line = { active: new Set(), waiters: [], holdMs: null };
      this.lines.set(destination, line);
    }
    return line;
  }

  /**
   * Forgets destinations with nothing in flight, so the map holds only busy ones (and a
   * destination's hold average starts afresh after it has been idle).
   */
  private dropIfIdle(destination: string, line: Line): void {
    if (line.active.size === 0 && line.waiters.length === 0) this.lines.delete(destination);
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('waiting aborted', 'AbortError');
}
