import type { Redis } from 'ioredis';
import type { TenantExecutionLimits } from './execution.repository.js';
import { TenantLimiterScripts } from './tenant-limiter-scripts.js';
import { TenantLimiterStore } from './tenant-limiter.store.js';
import type { TenantAdmit } from './tenant-limiter.store.js';

/**
 * Every Redis key of the tenant limiter: per tenant, the in-flight slots and the start log.
 * The only place their names are spelled; scripts receive them as KEYS.
 */
export class TenantLimiterKeys {
  private readonly base: string;

  constructor(prefix: string) {
    this.base = `${prefix}:tenant`;
  }

  inFlight(tenantId: string): string {
    return `${this.base}:${tenantId}:inflight`;
  }

  starts(tenantId: string): string {
    return `${this.base}:${tenantId}:starts`;
  }
}

/** The tenant caps on Redis: one atomic script per admission, judged by Redis's clock. */
export class RedisTenantLimiterStore extends TenantLimiterStore {
  private readonly scripts: TenantLimiterScripts;
  private readonly keys: TenantLimiterKeys;

  constructor(redis: Redis, prefix: string) {
    super();
    this.scripts = new TenantLimiterScripts(redis);
    this.keys = new TenantLimiterKeys(prefix);
  }

  async acquire(
    tenantId: string,
    executionId: string,
    startId: string,
    limits: TenantExecutionLimits,
    holdMs: number,
  ): Promise<TenantAdmit> {
    const reply = await this.scripts.run(
      'admitTenantExecution',
      [this.keys.inFlight(tenantId), this.keys.starts(tenantId)],
      [
        executionId,
        startId,
        limits.maxConcurrentExecutions ?? 0,
        limits.maxExecutionsPerSecond ?? 0,
        holdMs,
      ],
    );
    if (!Array.isArray(reply) || reply.length !== 3) {
      throw new Error(`admitTenantExecution: unexpected reply ${JSON.stringify(reply)}`);
    }
    const [admitted, retryInMs, limit] = reply as [unknown, unknown, unknown];
    if (admitted === 1) return { admitted: true };
    if (limit !== 'concurrency' && limit !== 'rate') {
      throw new Error(`admitTenantExecution: unexpected limit ${JSON.stringify(limit)}`);
    }
    return { admitted: false, limit, retryInMs: Number(retryInMs) };
  }

  async release(tenantId: string, executionId: string): Promise<void> {
    await this.scripts.run('releaseTenantExecution', [this.keys.inFlight(tenantId)], [executionId]);
  }
}
