import { Injectable } from '@nestjs/common';
import { queryRows } from '../database/query-rows.js';
import type { SqlExecutor } from '../database/query-rows.js';
import type { TenantScope } from '../tenancy/principal.js';

/** Executions created or reset on request (trigger, replay), rather than by the schedule. */
@Injectable()
export class ExecutionCommandRepository {
  /**
   * A manual run, QUEUED at once and due at the database's now (millisecond precision, as
   * `X-Scheduled-At` carries). Two triggers within the same millisecond would collide on
   * `UNIQUE (job_id, scheduled_at)`; the second is moved one millisecond later.
   */
  async insertManual(
    executor: SqlExecutor,
    jobId: string,
  ): Promise<{ id: string; scheduledAt: Date }> {
    for (let offsetMs = 0; offsetMs < 10; offsetMs++) {
      const rows = await queryRows<{ id: string; scheduled_at: Date }>(
        executor,
        `INSERT INTO executions (job_id, scheduled_at, status, trigger)
         VALUES ($1, date_trunc('milliseconds', clock_timestamp()) + make_interval(secs => $2 / 1000.0),
                 'QUEUED', 'MANUAL')
         ON CONFLICT (job_id, scheduled_at) DO NOTHING
         RETURNING id, scheduled_at`,
        [jobId, offsetMs],
      );
      const row = rows[0];
      if (row) return { id: row.id, scheduledAt: row.scheduled_at };
    }
    throw new Error(`could not find a free instant for a manual run of job ${jobId}`);
  }

  /**
   * Puts a FAILED execution back in the queue with a fresh retry budget; its id (and so the
   * receiver's `X-Execution-Id`) stays the same and attempt numbers carry on.
   */
  async replay(
    executor: SqlExecutor,
    scope: TenantScope,
    executionId: string,
  ): Promise<{ scheduledAt: Date } | null> {
    const rows = await queryRows<{ scheduled_at: Date }>(
      executor,
      `UPDATE executions
       SET status = 'QUEUED', trigger = 'REPLAY', attempt_base = attempts, error = NULL,
           finished_at = NULL, next_attempt_at = NULL, updated_at = clock_timestamp()
       WHERE id = $1 AND status = 'FAILED'
         AND job_id IN (SELECT id FROM jobs WHERE tenant_id = $2)
       RETURNING scheduled_at`,
      [executionId, scope.tenantId],
    );
    const row = rows[0];
    return row ? { scheduledAt: row.scheduled_at } : null;
  }
}
