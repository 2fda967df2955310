import type { OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import { queryRows } from '../database/query-rows.js';
import type { SqlExecutor } from '../database/query-rows.js';
import { ExecutionQueue } from './execution-queue.js';
import type { ClaimResult, CompletionOutcome, QueueItem, QueueStats } from './execution-queue.js';
import {
  requireDelay,
  requireDueAt,
  requireId,
  requirePositiveInteger,
  requireToken,
} from './queue-arguments.js';
import { PostgresQueueListener } from './postgres-queue-listener.js';
import {
  ADD_ITEMS,
  CLAIM_ITEMS,
  COMPLETE_ITEM,
  DEAD_LETTER_ITEM,
  EXTEND_LEASES,
  FIND_MISSING_ITEMS,
  READ_NOW,
  READ_STATS,
  RELEASE_ITEMS,
  REMOVE_ITEMS,
  REQUEUE_EXPIRED_LEASES,
  RETRY_ITEM,
} from './postgres-queue-statements.js';
import { WakeUpSchedule } from './wake-up-schedule.js';

/**
 * Longest an idle worker sleeps while it listens for notifications. Every transition that
 * makes an item claimable notifies, so this is only a safety net (a notification lost to a
 * silently dead connection); it makes an idle worker cost 0.2 queries a second instead of
 * the Redis path's 20 (its 50 ms poll).
 */
export const MAX_IDLE_WAIT_MS = 5_000;

/**
 * Longest an idle worker sleeps while it is not listening (the listening connection is
 * starting or reconnecting): nothing would wake it, so it polls, as the Redis path does.
 */
export const UNLISTENED_POLL_MS = 100;

/**
 * Outcome counters are spread over this many rows per name, picked at random per
 * acknowledgement. With one row, eight workers acknowledging at once wait on each other's
 * row lock until each commit is flushed; with 16 the chance that two of eight collide on one
 * row is small (see docs/decisions.md for the measurement).
 */
export const COUNTER_SHARDS = 16;

export interface PostgresQueueOptions {
  /** Overrides `MAX_IDLE_WAIT_MS` (tests set it beyond their timeout: only a notification can end a wait). */
  maxIdleWaitMs?: number;
}

/**
 * The execution queue on PostgreSQL (`QUEUE_BACKEND=postgres`): the `execution_queue` table,
 * one row per live or dead-lettered item, claimed with `FOR UPDATE SKIP LOCKED` in batches.
 * Every transition is one statement in `postgres-queue-statements.ts`, fenced by the lease
 * token like the Lua scripts; times are the database's. Idle workers wait on `LISTEN`
 * instead of polling (`waitForWork`).
 */
export class PostgresExecutionQueue extends ExecutionQueue implements OnApplicationShutdown {
  private readonly schedule = new WakeUpSchedule();
  private readonly listener: PostgresQueueListener;
  private readonly maxIdleWaitMs: number;

  /**
   * `db` runs the statements (the service's pool); `openListenConnection` makes the one
   * extra connection a waiting worker listens on.
   */
  constructor(
    private readonly db: SqlExecutor,
    openListenConnection: () => pg.Client,
    options: PostgresQueueOptions = {},
  ) {
    super();
    this.listener = new PostgresQueueListener(openListenConnection, this.schedule);
    this.maxIdleWaitMs = options.maxIdleWaitMs ?? MAX_IDLE_WAIT_MS;
  }

  /** True while the listening connection is up (waits then last up to `MAX_IDLE_WAIT_MS`). */
  get listening(): boolean {
    return this.listener.listening;
  }

  async enqueue(items: readonly QueueItem[]): Promise<number> {
    for (const item of items) {
      requireId(item.id);
      requireDueAt(item.id, item.dueAt);
    }
    if (items.length === 0) return 0;
    const [row] = await queryRows<{ added: number }>(this.db, ADD_ITEMS, [
      items.map((item) => item.id),
      items.map((item) => String(item.dueAt)),
    ]);
    return row?.added ?? 0;
  }

  async claim(count: number, leaseMs: number, token: string): Promise<ClaimResult> {
    requirePositiveInteger('count', count);
    requirePositiveInteger('leaseMs', leaseMs);
    requireToken(token);
    this.schedule.claimStarting();
    const [row] = await queryRows<{ ids: string[]; next_due_in_ms: string | null }>(
      this.db,
      CLAIM_ITEMS,
      [count, leaseMs, token],
    );
    if (row === undefined) throw new Error('claimItems returned no row');
    return {
      ids: row.ids,
      nextDueInMs: row.next_due_in_ms === null ? null : Number(row.next_due_in_ms),
    };
  }

  async extendLeases(ids: readonly string[], token: string, leaseMs: number): Promise<string[]> {
    requireToken(token);
    requirePositiveInteger('leaseMs', leaseMs);
    if (ids.length === 0) return [];
    const rows = await queryRows<{ id: string }>(this.db, EXTEND_LEASES, [token, leaseMs, ids]);
    const extended = new Set(rows.map((row) => row.id));
    return ids.filter((id) => extended.has(id));
  }

  async complete(id: string, token: string, outcome: CompletionOutcome): Promise<boolean> {
    requireId(id);
    requireToken(token);
    const [row] = await queryRows<{ done: number }>(this.db, COMPLETE_ITEM, [
      id,
      token,
      outcome,
      counterShard(),
    ]);
    return row?.done === 1;
  }

  async retry(id: string, token: string, delayMs: number): Promise<boolean> {
    requireId(id);
    requireToken(token);
    requireDelay(delayMs);
    const [row] = await queryRows<{ done: number }>(this.db, RETRY_ITEM, [
      id,
      token,
      delayMs,
      counterShard(),
    ]);
    return row?.done === 1;
  }

  async deadLetter(id: string, token: string): Promise<boolean> {
    requireId(id);
    requireToken(token);
    const rows = await queryRows<{ id: string }>(this.db, DEAD_LETTER_ITEM, [id, token]);
    return rows.length === 1;
  }

  async release(ids: readonly string[], token: string): Promise<number> {
    requireToken(token);
    if (ids.length === 0) return 0;
    const [row] = await queryRows<{ released: number }>(this.db, RELEASE_ITEMS, [token, ids]);
    return row?.released ?? 0;
  }

  async requeueExpiredLeases(limit: number): Promise<string[]> {
    requirePositiveInteger('limit', limit);
    const rows = await queryRows<{ id: string }>(this.db, REQUEUE_EXPIRED_LEASES, [limit]);
    return rows.map((row) => row.id);
  }

  async remove(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await queryRows<{ id: string }>(this.db, REMOVE_ITEMS, [ids])).length;
  }

  async missing(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<{ id: string }>(this.db, FIND_MISSING_ITEMS, [ids]);
    return rows.map((row) => row.id);
  }

  async stats(): Promise<QueueStats> {
    const [row] = await queryRows<{
      ready: number;
      delayed: number;
      processing: number;
      dead_lettered: number;
      completed: string;
      failed: string;
      retrying: string;
    }>(this.db, READ_STATS);
    if (row === undefined) throw new Error('readStats returned no row');
    return {
      ready: row.ready,
      delayed: row.delayed,
      processing: row.processing,
      deadLettered: row.dead_lettered,
      completed: Number(row.completed),
      failed: Number(row.failed),
      retrying: Number(row.retrying),
    };
  }

  async now(): Promise<number> {
    const [row] = await queryRows<{ now: string }>(this.db, READ_NOW);
    if (row === undefined) throw new Error('readNow returned no row');
    return Number(row.now);
  }

  async waitForWork(nextDueInMs: number | null, signal: AbortSignal): Promise<void> {
    this.listener.start();
    const cap = this.listener.listening ? this.maxIdleWaitMs : UNLISTENED_POLL_MS;
    await this.schedule.wait(Math.min(nextDueInMs ?? cap, cap), signal);
  }

  /** Ends the listening connection (if one was opened); later waits poll. */
  async onApplicationShutdown(): Promise<void> {
    await this.listener.close();
  }
}

function counterShard(): number {
  return Math.floor(Math.random() * COUNTER_SHARDS);
}
