import type { SqlExecutor } from './query-rows.js';

/**
 * Serialises every change to the set of a tenant's jobs (create, and deleting the tenant)
 * inside the caller's transaction: `maxJobs` is a count, and two concurrent creates must not
 * both see room for one more. An advisory lock, so neither side reads the other's table.
 */
export async function lockTenantJobs(executor: SqlExecutor, tenantId: string): Promise<void> {
  await executor.query(`SELECT pg_advisory_xact_lock(hashtextextended('tenant-jobs:' || $1, 0))`, [
    tenantId,
  ]);
}
