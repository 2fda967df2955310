import { queryRows } from '../database/query-rows.js';
import type { SqlExecutor } from '../database/query-rows.js';
import { LeaderLease, locallyValidFor } from './leader-lease.js';
import type { HeldLease } from './leader-lease.js';
import { LeadershipLostError } from './leadership-lost.error.js';

/** The database's now + $2 ms, truncated to the millisecond like the column (never rounded up). */
const TTL_FROM_NOW = `date_trunc('milliseconds', clock_timestamp()) + $2::bigint * interval '1 millisecond'`;

/**
 * takeLease
 *   From: free (no holder), expired (by the database's clock), or already this holder's
 *   To:   held by $1 until the database's now + $2 ms
 *   Fence: the row lock: concurrent candidates queue on it and each re-checks the condition
 *          on the winner's version, so exactly one wins
 *   Reply: one row when taken
 */
const TAKE_LEASE = `
  UPDATE scheduler_lease
  SET holder = $1, expires_at = ${TTL_FROM_NOW}
  WHERE id = 1 AND (holder IS NULL OR expires_at <= clock_timestamp() OR holder = $1)
  RETURNING id`;

/**
 * extendLease
 *   From: held by $1 (also just after its expiry, if nobody took it meanwhile: nobody else
 *         can have scheduled, so keeping it costs nothing)
 *   To:   held by $1 until the database's now + $2 ms
 *   Fence: holder = $1
 *   Reply: one row when extended
 */
const EXTEND_LEASE = `
  UPDATE scheduler_lease
  SET expires_at = ${TTL_FROM_NOW}
  WHERE id = 1 AND holder = $1
  RETURNING id`;

/**
 * releaseLease
 *   From: held by $1
 *   To:   free
 *   Fence: holder = $1 (a lease someone else took meanwhile is left alone)
 */
const RELEASE_LEASE = `
  UPDATE scheduler_lease SET holder = NULL, expires_at = NULL
  WHERE id = 1 AND holder = $1
  RETURNING id`;

/**
 * The leader lease on the PostgreSQL backend: the `scheduler_lease` row, whose expiry the
 * database's clock judges. A lease rather than a session advisory lock: an advisory lock
 * is released at once when its holder's connection closes (fast failover after a kill), but
 * a paused (SIGSTOP, long GC) or partitioned holder keeps its connection and so the lock,
 * with no bound, while this lease simply runs out after one TTL. It also survives
 * connection poolers that do not keep sessions. Failover after a kill: the TTL plus at most
 * a third of it (the standbys' retry interval): 5-6.7 s with the defaults, as with Redlock.
 */
export class PostgresLeaderLease extends LeaderLease {
  constructor(private readonly db: SqlExecutor) {
    super();
  }

  async acquire(holder: string, ttlMs: number): Promise<HeldLease | null> {
    const requestedAt = performance.now();
    const rows = await queryRows<{ id: number }>(this.db, TAKE_LEASE, [holder, ttlMs]);
    if (rows.length === 0) return null;
    return new PostgresHeldLease(this.db, holder, requestedAt + locallyValidFor(ttlMs));
  }
}

class PostgresHeldLease implements HeldLease {
  constructor(
    private readonly db: SqlExecutor,
    private readonly holder: string,
    /** `performance.now()` after which this process no longer trusts the lease. */
    private validUntil: number,
  ) {}

  get valid(): boolean {
    return performance.now() < this.validUntil;
  }

  async extend(ttlMs: number): Promise<void> {
    const requestedAt = performance.now();
    const rows = await queryRows<{ id: number }>(this.db, EXTEND_LEASE, [this.holder, ttlMs]);
    if (rows.length === 0) throw new LeadershipLostError(this.holder);
    this.validUntil = requestedAt + locallyValidFor(ttlMs);
  }

  async release(): Promise<void> {
    this.validUntil = 0;
    await queryRows(this.db, RELEASE_LEASE, [this.holder]);
  }
}
