import type { TenantExecutionLimits } from './execution.repository.js';

export type TenantAdmit =
  | { admitted: true }
  | {
      admitted: false;
      /** Which cap refused it. */
      limit: 'concurrency' | 'rate';
      /** When trying again is worth it (0: unknown, the caller picks). */
      retryInMs: number;
    };

/**
 * Where a tenant's in-flight executions and recent starts are counted. Shared by every
 * worker process (Redis here; PostgreSQL on the PostgreSQL-only backend), never process
 * memory: the caps are the tenant's, not each worker's.
 */
export abstract class TenantLimiterStore {
  /**
   * Takes a slot for `executionId` (held for at most `holdMs`, so a dead worker's slot lapses)
   * and counts a start (`startId`), or refuses and says which cap.
   */
  abstract acquire(
    tenantId: string,
    executionId: string,
    startId: string,
    limits: TenantExecutionLimits,
    holdMs: number,
  ): Promise<TenantAdmit>;

  /** The execution's request is over: its slot frees at once. */
  abstract release(tenantId: string, executionId: string): Promise<void>;
}
