import { queryRows } from '../database/query-rows.js';
import type { SqlExecutor } from '../database/query-rows.js';
import type { RateLimitHit } from './rate-limit.store.js';
import { RateLimitStore } from './rate-limit.store.js';

/**
 * countHit
 *   From: no window for $1, an ended one, or a running one with count n
 *   To:   a running window: a new one (count 1, ending now + $2 ms) or the same (count n + 1)
 *   Fence: the primary key: concurrent hits on one key queue on its row lock, so none is lost
 *   Reply: { count, reset_in_ms }
 */
const COUNT_HIT = `
  INSERT INTO rate_limit_windows AS w (key, window_ends_at, count)
  VALUES ($1,
          date_trunc('milliseconds', clock_timestamp()) + $2::bigint * interval '1 millisecond',
          1)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN w.window_ends_at <= clock_timestamp() THEN 1 ELSE w.count + 1 END,
    window_ends_at = CASE WHEN w.window_ends_at <= clock_timestamp() THEN excluded.window_ends_at
                          ELSE w.window_ends_at END
  RETURNING count,
            GREATEST(0, ceil(extract(epoch FROM window_ends_at - clock_timestamp()) * 1000))::int
              AS reset_in_ms`;

/**
 * A fixed window per key on PostgreSQL (`QUEUE_BACKEND=postgres`), the same rule as the Redis
 * store: one statement, one round trip per request. The window's end is truncated to the
 * millisecond (the column's precision) rather than rounded, so the time left is never
 * reported above the window. The table is UNLOGGED (see its
 * migration) and has no index but its key, so every hit is a HOT update that writes no WAL
 * and waits for no flush. One row per API key; a revoked key's row stays, a few bytes.
 */
export class PostgresRateLimitStore extends RateLimitStore {
  constructor(private readonly db: SqlExecutor) {
    super();
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const [row] = await queryRows<{ count: number; reset_in_ms: number }>(this.db, COUNT_HIT, [
      key,
      windowMs,
    ]);
    if (row === undefined) throw new Error('countHit returned no row');
    return { count: row.count, resetInMs: row.reset_in_ms };
  }
}
