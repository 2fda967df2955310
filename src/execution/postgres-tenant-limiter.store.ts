import type { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { TenantExecutionLimits } from './execution.repository.js';
import { TenantLimiterStore } from './tenant-limiter.store.js';
import type { TenantAdmit } from './tenant-limiter.store.js';

/**
 * The tenant caps on PostgreSQL (`QUEUE_BACKEND=postgres`): slots in the UNLOGGED
 * `tenant_execution_slots`, starts in `tenant_execution_starts`, one transaction per
 * admission serialised per tenant by an advisory lock (the Lua script's atomicity), judged by
 * the database's clock. Same rules as `admitTenantExecution-2.lua`.
 */
export class PostgresTenantLimiterStore extends TenantLimiterStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async acquire(
    tenantId: string,
    executionId: string,
    startId: string,
    limits: TenantExecutionLimits,
    holdMs: number,
  ): Promise<TenantAdmit> {
    const maxConcurrent = limits.maxConcurrentExecutions;
    const maxPerSecond = limits.maxExecutionsPerSecond;
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `SELECT pg_advisory_xact_lock(hashtextextended('tenant-limit:' || $1, 0))`,
        [tenantId],
      );
      if (maxConcurrent !== null) {
        await manager.query(
          'DELETE FROM tenant_execution_slots WHERE tenant_id = $1 AND lapses_at <= clock_timestamp()',
          [tenantId],
        );
        const [slots] = await queryRows<{ held: number; mine: boolean }>(
          manager,
          `SELECT count(*)::int AS held, bool_or(execution_id = $2) AS mine
           FROM tenant_execution_slots WHERE tenant_id = $1`,
          [tenantId, executionId],
        );
        if (!slots?.mine && (slots?.held ?? 0) >= maxConcurrent) {
          return { admitted: false, limit: 'concurrency', retryInMs: 0 };
        }
      }
      if (maxPerSecond !== null) {
        await manager.query(
          `DELETE FROM tenant_execution_starts
           WHERE tenant_id = $1 AND started_at <= clock_timestamp() - interval '1 second'`,
          [tenantId],
        );
        const [starts] = await queryRows<{ count: number; retry_ms: number | null }>(
          manager,
          `SELECT count(*)::int AS count,
                  ceil(extract(epoch FROM (min(started_at) + interval '1 second' - clock_timestamp())) * 1000)::int AS retry_ms
           FROM tenant_execution_starts WHERE tenant_id = $1`,
          [tenantId],
        );
        if ((starts?.count ?? 0) >= maxPerSecond) {
          return { admitted: false, limit: 'rate', retryInMs: Math.max(starts?.retry_ms ?? 1, 1) };
        }
        await manager.query(
          `INSERT INTO tenant_execution_starts (tenant_id, start_id, started_at)
           VALUES ($1, $2, clock_timestamp()) ON CONFLICT DO NOTHING`,
          [tenantId, startId],
        );
      }
      if (maxConcurrent !== null) {
        await manager.query(
          `INSERT INTO tenant_execution_slots (tenant_id, execution_id, lapses_at)
           VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3 / 1000.0))
           ON CONFLICT (tenant_id, execution_id) DO UPDATE SET lapses_at = EXCLUDED.lapses_at`,
          [tenantId, executionId, holdMs],
        );
      }
      return { admitted: true };
    });
  }

  async release(tenantId: string, executionId: string): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM tenant_execution_slots WHERE tenant_id = $1 AND execution_id = $2',
      [tenantId, executionId],
    );
  }
}
