import type { Redis } from 'ioredis';
import Redlock, { ExecutionError, ResourceLockedError } from 'redlock';
import type { Lock } from 'redlock';
import { LeaderLease } from './leader-lease.js';
import type { HeldLease } from './leader-lease.js';
import { LeadershipLostError } from './leadership-lost.error.js';

/**
 * The leader lease on the Redis backend: Redlock on the one Redis (its quorum is that
 * instance). A killed holder's lock expires within one TTL.
 */
export class RedlockLeaderLease extends LeaderLease {
  private readonly redlock: Redlock;
  private readonly key: string;

  constructor(redis: Redis, keyPrefix: string) {
    super();
    // retryCount 0: the election loop retries, every third of a TTL.
    this.redlock = new Redlock([redis], { retryCount: 0, driftFactor: 0.01 });
    // Redlock also emits every failed vote as an event; each one also rejects the acquire or
    // extend it belongs to, and is handled there.
    this.redlock.on('error', () => undefined);
    this.key = `${keyPrefix}:scheduler:leader`;
  }

  async acquire(holder: string, ttlMs: number): Promise<HeldLease | null> {
    try {
      return new RedlockHeldLease(await this.redlock.acquire([this.key], ttlMs), holder);
    } catch (error) {
      if (await lockedByAnother(error)) return null;
      throw error;
    }
  }
}

class RedlockHeldLease implements HeldLease {
  constructor(
    private lock: Lock,
    private readonly holder: string,
  ) {}

  get valid(): boolean {
    // Redlock's expiration already subtracts its drift margin from the request's start.
    return this.lock.expiration > Date.now();
  }

  async extend(ttlMs: number): Promise<void> {
    try {
      this.lock = await this.lock.extend(ttlMs);
    } catch (error) {
      throw new LeadershipLostError(
        this.holder,
        error instanceof Error ? error : new Error(String(error)),
      );
    }
  }

  async release(): Promise<void> {
    await this.lock.release();
  }
}

/** True when every vote against the lock was "already locked" (not an unreachable Redis). */
async function lockedByAnother(error: unknown): Promise<boolean> {
  if (!(error instanceof ExecutionError)) return false;
  const attempts = await Promise.all(error.attempts);
  const reasons = attempts.flatMap((attempt) => [...attempt.votesAgainst.values()]);
  return reasons.length > 0 && reasons.every((reason) => reason instanceof ResourceLockedError);
}
