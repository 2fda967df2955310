import type { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { SqlExecutor } from '../database/query-rows.js';
import { admitAttempt, CLOSED_RECORD, recordOutcome } from './circuit-breaker.rules.js';
import type {
  BreakerAttempt,
  BreakerPolicy,
  BreakerRecord,
  BreakerState,
  BreakerVerdict,
} from './circuit-breaker.rules.js';
import { CircuitBreakerStore } from './circuit-breaker.store.js';
import type { AdmitResult, OutcomeResult } from './circuit-breaker.store.js';
import { BREAKER_IDLE_EXPIRY_MS } from './redis-circuit-breaker.store.js';

interface Row {
  state: BreakerState;
  failures: number;
  retry_at: string;
  probe: string | null;
  fresh: boolean;
  now_ms: string;
}

/**
 * The circuit breakers on PostgreSQL (`QUEUE_BACKEND=postgres`): one row per destination in
 * the UNLOGGED `circuit_breakers`, each call one transaction that locks the row, applies the
 * rules of `circuit-breaker.rules.ts` (the Lua scripts apply the same) at the database's
 * clock, and writes the result. The row lock makes the step atomic across workers: of many
 * callers at a half-open breaker exactly one gets the probe.
 */
export class PostgresCircuitBreakerStore extends CircuitBreakerStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: BreakerPolicy,
  ) {
    super();
  }

  async admit(destination: string, attempt: BreakerAttempt): Promise<AdmitResult> {
    return this.dataSource.transaction(async (manager) => {
      const { record, now } = await this.lock(manager, destination);
      const decision = admitAttempt(record, now, attempt, this.policy);
      await this.write(manager, destination, decision.record, record);
      return {
        admission: decision.admission,
        state: decision.record.state,
        failures: decision.record.failures,
        retryAfterMs: decision.retryAfterMs,
        transition: decision.transition,
        decidedAt: now,
      };
    });
  }

  async recordOutcome(
    destination: string,
    attemptId: string,
    verdict: BreakerVerdict,
  ): Promise<OutcomeResult> {
    return this.dataSource.transaction(async (manager) => {
      const { record, now } = await this.lock(manager, destination);
      const decision = recordOutcome(record, now, attemptId, verdict, this.policy);
      await this.write(manager, destination, decision.record, record);
      return {
        state: decision.record.state,
        failures: decision.record.failures,
        transition: decision.transition,
        decidedAt: now,
      };
    });
  }

  /**
   * The destination's record, locked for this transaction (created closed if missing), and
   * the database's now in epoch ms. A record idle for a day counts as closed, like the Redis
   * key that would have expired.
   */
  private async lock(
    executor: SqlExecutor,
    destination: string,
  ): Promise<{ record: BreakerRecord; now: number }> {
    await executor.query(
      `INSERT INTO circuit_breakers (destination, state, failures, retry_at, probe, changed_at)
       VALUES ($1, 'closed', 0, 0, NULL, clock_timestamp())
       ON CONFLICT (destination) DO NOTHING`,
      [destination],
    );
    const [row] = await queryRows<Row>(
      executor,
      `SELECT state, failures, retry_at, probe,
              changed_at > clock_timestamp() - make_interval(secs => $2 / 1000.0) AS fresh,
              floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms
       FROM circuit_breakers WHERE destination = $1 FOR UPDATE`,
      [destination, BREAKER_IDLE_EXPIRY_MS],
    );
    if (row === undefined) throw new Error(`circuit_breakers row of ${destination} vanished`);
    const record: BreakerRecord = row.fresh
      ? {
          state: row.state,
          failures: row.failures,
          retryAt: Number(row.retry_at),
          probe: row.probe,
        }
      : { ...CLOSED_RECORD };
    return { record, now: Number(row.now_ms) };
  }

  private async write(
    executor: SqlExecutor,
    destination: string,
    next: BreakerRecord,
    previous: BreakerRecord,
  ): Promise<void> {
    const unchanged =
      next.state === previous.state &&
      next.failures === previous.failures &&
      next.retryAt === previous.retryAt &&
      next.probe === previous.probe;
    // Only a change renews the record's day (as only a change renews the Redis key's TTL).
    if (unchanged) return;
    await executor.query(
      `UPDATE circuit_breakers SET state = $2, failures = $3, retry_at = $4, probe = $5,
              changed_at = clock_timestamp()
       WHERE destination = $1`,
      [destination, next.state, next.failures, next.retryAt, next.probe],
    );
  }
}
