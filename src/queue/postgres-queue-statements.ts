/**
 * Every transition of the PostgreSQL execution queue, one statement each, in the shape of the
 * Redis backend's Lua scripts: a header with the item's state before and after, the fence,
 * the parameters and the reply. States (see `ExecutionQueueItemEntity`):
 *
 *   delayed     no lease, not dead-lettered, due_at after the database's now
 *   ready       no lease, not dead-lettered, due_at at or before the database's now
 *   leased      lease_token and lease_expires_at set (the contract's "processing")
 *   dead        dead_lettered_at set
 *   gone        no row
 *
 * "Now" is `statement_timestamp()`: one instant per statement, read from the database's
 * clock (brief, invariant 6). A statement that waited on a lock sees an earlier now, which
 * only ever makes it more conservative (a shorter lease, an item not yet due). It is
 * truncated to the millisecond, as the columns are: stored as it is, `now + lease` would be
 * rounded to the nearest millisecond, up to half a millisecond later than the lease asked
 * for (Redis's scripts floor `TIME` the same way).
 *
 * Statements that make an item claimable sooner than a sleeping worker expects send
 * `NOTIFY` on `QUEUE_CHANNEL` with the number of milliseconds until the earliest such item is
 * due; PostgreSQL delivers it to listeners when the transaction commits.
 */

/** The channel workers LISTEN on (per database, so test databases never hear each other). */
export const QUEUE_CHANNEL = 'jobsched_execution_queue';

const NOW = "date_trunc('milliseconds', statement_timestamp())";
/** Epoch milliseconds (a bigint parameter) to timestamptz, exactly (no float rounding). */
const fromEpochMs = (parameter: string) =>
  `(timestamptz 'epoch' + ${parameter}::bigint * interval '1 millisecond')`;
/** Milliseconds from now until `expression`, rounded up so a wake-up is never early; 0 if past. */
const msUntil = (expression: string) =>
  `GREATEST(0, ceil(extract(epoch FROM ${expression} - ${NOW}) * 1000))::bigint`;
const READY_OR_DELAYED = 'lease_token IS NULL AND dead_lettered_at IS NULL';

/**
 * addItems
 *   From: gone or dead
 *   To:   delayed or ready, due at the given instant
 *   Fence: none needed: `ON CONFLICT` leaves an item that is delayed, ready or leased as it
 *          is, so enqueueing is idempotent and never takes an item from its holder. Ids are
 *          inserted in id order, so concurrent enqueuers of one batch never deadlock.
 *   $1 ids (text[]), $2 due epoch ms (bigint[], same length); the first of a repeated id wins
 *   Reply: { added }
 */
export const ADD_ITEMS = `
  WITH given AS (
    SELECT DISTINCT ON (id) id, due_ms
    FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS g(id, due_ms, position)
    ORDER BY id, position
  ), added AS (
    INSERT INTO execution_queue AS q (id, due_at)
    SELECT id, ${fromEpochMs('due_ms')} FROM given ORDER BY id
    ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, dead_lettered_at = NULL
      WHERE q.dead_lettered_at IS NOT NULL
    RETURNING q.due_at
  ), wake AS (
    SELECT pg_notify('${QUEUE_CHANNEL}', ${msUntil('min(due_at)')}::text)
    FROM added HAVING count(*) > 0
  )
  SELECT (SELECT count(*) FROM added)::int AS added, (SELECT count(*) FROM wake)::int AS woken`;

/**
 * claimItems
 *   From: ready
 *   To:   leased to $3 until now + $2 ms
 *   Fence: `FOR UPDATE SKIP LOCKED`: a row another claimer is leasing is skipped, so no item
 *          is leased twice, and claimers never wait on each other.
 *   $1 most items to lease, $2 lease ms, $3 token
 *   Reply: { ids: leased ids, earliest due first (then by id),
 *            next_due_in_ms: ms until the earliest item left unleased is due (0 if due
 *                            already), null if none }
 */
export const CLAIM_ITEMS = `
  WITH picked AS (
    SELECT id, due_at FROM execution_queue
    WHERE ${READY_OR_DELAYED} AND due_at <= ${NOW}
    ORDER BY due_at, id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
  ), leased AS (
    UPDATE execution_queue q
    SET lease_token = $3, lease_expires_at = ${NOW} + $2::bigint * interval '1 millisecond'
    FROM picked WHERE q.id = picked.id
    RETURNING q.id, picked.due_at
  )
  SELECT
    (SELECT coalesce(array_agg(id ORDER BY due_at, id), '{}') FROM leased) AS ids,
    (SELECT ${msUntil('due_at')} FROM execution_queue
     WHERE ${READY_OR_DELAYED} AND id NOT IN (SELECT id FROM picked)
     ORDER BY due_at LIMIT 1) AS next_due_in_ms`;

/**
 * extendLeases
 *   From: leased to $1 (also after its deadline, until someone requeued it: nobody else can
 *         have the item, so extending it costs no duplicate delivery)
 *   To:   leased to $1 until now + $2 ms
 *   Fence: lease_token = $1
 *   $1 token, $2 lease ms, $3 ids (text[])
 *   Reply: one row per extended id
 */
export const EXTEND_LEASES = `
  UPDATE execution_queue SET lease_expires_at = ${NOW} + $2::bigint * interval '1 millisecond'
  WHERE id = ANY($3::text[]) AND lease_token = $1
  RETURNING id`;

/**
 * completeItem
 *   From: leased to $2
 *   To:   gone; counter $3 + 1 (in shard $4)
 *   Fence: lease_token = $2
 *   $1 id, $2 token, $3 'completed' or 'failed', $4 counter shard
 *   Reply: { done: 1, or 0 when the lease is lost (not leased, or leased to another token) }
 */
export const COMPLETE_ITEM = `
  WITH done AS (
    DELETE FROM execution_queue WHERE id = $1 AND lease_token = $2 RETURNING id
  ), counted AS (
    INSERT INTO execution_queue_counters AS c (name, shard, value)
    SELECT $3, $4, 1 FROM done
    ON CONFLICT (name, shard) DO UPDATE SET value = c.value + 1
  )
  SELECT count(*)::int AS done FROM done`;

/**
 * retryItem
 *   From: leased to $2
 *   To:   delayed, due now + $3 ms; counter 'retrying' + 1 (in shard $4)
 *   Fence: lease_token = $2
 *   $1 id, $2 token, $3 delay ms, $4 counter shard
 *   Reply: { done: 1, or 0 when the lease is lost }
 */
export const RETRY_ITEM = `
  WITH moved AS (
    UPDATE execution_queue
    SET lease_token = NULL, lease_expires_at = NULL,
        due_at = ${NOW} + $3::bigint * interval '1 millisecond'
    WHERE id = $1 AND lease_token = $2
    RETURNING id
  ), counted AS (
    INSERT INTO execution_queue_counters AS c (name, shard, value)
    SELECT 'retrying', $4, 1 FROM moved
    ON CONFLICT (name, shard) DO UPDATE SET value = c.value + 1
  ), wake AS (
    SELECT pg_notify('${QUEUE_CHANNEL}', $3::bigint::text) FROM moved
  )
  SELECT (SELECT count(*) FROM moved)::int AS done, (SELECT count(*) FROM wake)::int AS woken`;

/**
 * deadLetterItem
 *   From: leased to $2
 *   To:   dead, dead-lettered at now
 *   Fence: lease_token = $2
 *   $1 id, $2 token
 *   Reply: one row when done, none when the lease is lost
 */
export const DEAD_LETTER_ITEM = `
  UPDATE execution_queue
  SET lease_token = NULL, lease_expires_at = NULL, dead_lettered_at = ${NOW}
  WHERE id = $1 AND lease_token = $2
  RETURNING id`;

/**
 * releaseItems (graceful shutdown)
 *   From: leased to $1
 *   To:   ready, due now, so another worker claims it at once instead of after the lease
 *   Fence: lease_token = $1
 *   $1 token, $2 ids (text[])
 *   Reply: { released }
 */
export const RELEASE_ITEMS = `
  WITH released AS (
    UPDATE execution_queue SET lease_token = NULL, lease_expires_at = NULL, due_at = ${NOW}
    WHERE id = ANY($2::text[]) AND lease_token = $1
    RETURNING id
  ), wake AS (
    SELECT pg_notify('${QUEUE_CHANNEL}', '0') FROM released HAVING count(*) > 0
  )
  SELECT (SELECT count(*) FROM released)::int AS released,
         (SELECT count(*) FROM wake)::int AS woken`;

/**
 * requeueExpiredLeases
 *   From: leased, deadline before now
 *   To:   ready, due now; the token is cleared, so the old holder can no longer acknowledge
 *   Fence: the deadline, re-checked on the row's latest version under `FOR UPDATE`: a lease
 *          its holder extended meanwhile is no longer expired and stays. `SKIP LOCKED`: two
 *          reapers (an old and a new leader) never requeue one item twice.
 *   $1 most items to requeue
 *   Reply: one row per requeued id
 */
export const REQUEUE_EXPIRED_LEASES = `
  WITH expired AS (
    SELECT id FROM execution_queue
    WHERE lease_token IS NOT NULL AND lease_expires_at < ${NOW}
    ORDER BY lease_expires_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED
  ), requeued AS (
    UPDATE execution_queue q SET lease_token = NULL, lease_expires_at = NULL, due_at = ${NOW}
    FROM expired WHERE q.id = expired.id
    RETURNING q.id
  ), wake AS (
    SELECT pg_notify('${QUEUE_CHANNEL}', '0') FROM requeued HAVING count(*) > 0
  )
  SELECT id, (SELECT count(*) FROM wake)::int AS woken FROM requeued`;

/**
 * removeItems
 *   From: delayed or ready
 *   To:   gone (a leased item is left to its holder; a dead one stays dead)
 *   Fence: none: only unleased rows match
 *   $1 ids (text[])
 *   Reply: one row per removed id
 */
export const REMOVE_ITEMS = `
  DELETE FROM execution_queue WHERE id = ANY($1::text[]) AND ${READY_OR_DELAYED}
  RETURNING id`;

/**
 * findMissingItems (reads only)
 *   Of the given ids, those that are gone or dead: the ids the scheduler must enqueue again.
 *   $1 ids (text[])
 *   Reply: the missing ids, in the order given
 */
export const FIND_MISSING_ITEMS = `
  SELECT g.id FROM unnest($1::text[]) WITH ORDINALITY AS g(id, position)
  WHERE NOT EXISTS (
    SELECT 1 FROM execution_queue q WHERE q.id = g.id AND q.dead_lettered_at IS NULL)
  ORDER BY g.position`;

/**
 * readStats (reads only): one snapshot of the queue's sizes and counters. Each count matches
 * one partial index's predicate, so it reads that index rather than the whole table.
 *   Reply: { ready, delayed, processing, dead_lettered, completed, failed, retrying }
 */
export const READ_STATS = `
  SELECT
    (SELECT count(*) FROM execution_queue WHERE ${READY_OR_DELAYED} AND due_at <= ${NOW})::int
      AS ready,
    (SELECT count(*) FROM execution_queue WHERE ${READY_OR_DELAYED} AND due_at > ${NOW})::int
      AS delayed,
    (SELECT count(*) FROM execution_queue WHERE lease_token IS NOT NULL)::int AS processing,
    (SELECT count(*) FROM execution_queue WHERE dead_lettered_at IS NOT NULL)::int
      AS dead_lettered,
    (SELECT coalesce(sum(value), 0) FROM execution_queue_counters WHERE name = 'completed')::text
      AS completed,
    (SELECT coalesce(sum(value), 0) FROM execution_queue_counters WHERE name = 'failed')::text
      AS failed,
    (SELECT coalesce(sum(value), 0) FROM execution_queue_counters WHERE name = 'retrying')::text
      AS retrying`;

/** The database's clock in epoch milliseconds (floored, as Redis's TIME is read). */
export const READ_NOW = `SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::text AS now`;
