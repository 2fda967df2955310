/**
 * The queue between the scheduler (which enqueues due executions) and the workers (which
 * claim, lease and acknowledge them). Backend-neutral on purpose: a PostgreSQL-only backend
 * implements the same contract, so nothing here may mention Redis.
 *
 * An item is in exactly one of: delayed (not yet due), ready (due, waiting for a worker),
 * processing (leased to one token until a deadline), or gone (completed, failed, dead-lettered
 * or removed). Every operation on a leased item is fenced by the token that claimed it.
 * "Now" is always the backend's clock, never the caller's (brief, invariant 6).
 */
export interface QueueItem {
  id: string;
  /** Epoch ms at which the item becomes claimable. */
  dueAt: number;
}

export interface ClaimResult {
  ids: string[];
  /** Ms until the earliest delayed item is due (0 if some are due already); null if none. */
  nextDueInMs: number | null;
}

export interface QueueStats {
  /** Gauges: items in each structure right now. */
  ready: number;
  delayed: number;
  processing: number;
  deadLettered: number;
  /** Counters since the queue's data was created: how many acks of each kind. */
  completed: number;
  failed: number;
  retrying: number;
}

export type CompletionOutcome = 'completed' | 'failed';

export abstract class ExecutionQueue {
  /** Adds items that are not already in delayed, ready or processing; returns how many were added. Idempotent. */
  abstract enqueue(items: readonly QueueItem[]): Promise<number>;

  /** Atomically: promote due delayed items to ready, then lease up to `count` ready items (earliest due first) to `token` for `leaseMs`. */
  abstract claim(count: number, leaseMs: number, token: string): Promise<ClaimResult>;

  /** Extends the leases of the given ids that `token` still holds; returns those ids. */
  abstract extendLeases(ids: readonly string[], token: string, leaseMs: number): Promise<string[]>;

  /** Finishes an item held by `token` (removes it, counts completed or failed). false = lease lost (another holder or expired and requeued). */
  abstract complete(id: string, token: string, outcome: CompletionOutcome): Promise<boolean>;

  /** Moves an item held by `token` back to delayed, due `delayMs` after the backend's now; counts retrying. false = lease lost. */
  abstract retry(id: string, token: string, delayMs: number): Promise<boolean>;

  /** Moves an item held by `token` to the dead-letter set. false = lease lost. */
  abstract deadLetter(id: string, token: string): Promise<boolean>;

  /** Graceful shutdown: items held by `token` go back to ready, due now; returns how many. */
  abstract release(ids: readonly string[], token: string): Promise<number>;

  /** Items whose lease expired go back to ready (their old token can no longer ack them); returns their ids. */
  abstract requeueExpiredLeases(limit: number): Promise<string[]>;

  /** Removes ids from delayed and ready (not from processing); returns how many were removed. */
  abstract remove(ids: readonly string[]): Promise<number>;

  /** Of the given ids, those that are in none of delayed, ready, processing (used to rebuild after the backend lost data). */
  abstract missing(ids: readonly string[]): Promise<string[]>;

  abstract stats(): Promise<QueueStats>;

  /** The backend's clock, epoch ms: the one clock due-ness and leases are judged by. */
  abstract now(): Promise<number>;

  /**
   * Called by a claimer whose last claim found nothing: resolves when claiming again may find
   * work, that is after `nextDueInMs` (the last claim's answer; null: nothing is queued), or
   * earlier if an item enqueued, retried or released meanwhile is due sooner, or when
   * `signal` aborts. How the backend learns of such items (polling, notifications) is its
   * own business; it never rejects.
   */
  abstract waitForWork(nextDueInMs: number | null, signal: AbortSignal): Promise<void>;
}
