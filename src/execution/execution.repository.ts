import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ExecutionStatus } from '../database/entities/execution.entity.js';
import type {
  ExecutionType,
  HttpBody,
  HttpMethod,
  RetryPolicy,
} from '../database/entities/job.entity.js';
import { queryRows } from '../database/query-rows.js';

/** A tenant's execution caps (`null`: unlimited), enforced across all workers. */
export interface TenantExecutionLimits {
  maxConcurrentExecutions: number | null;
  maxExecutionsPerSecond: number | null;
}

/** What a worker needs to send one attempt, read and claimed in one round trip. */
export interface ClaimedExecution {
  id: string;
  jobId: string;
  tenantId: string;
  tenantLimits: TenantExecutionLimits;
  scheduledAt: Date;
  /** Status before this claim. */
  previousStatus: ExecutionStatus;
  /** The attempt number this worker now owns, or null if the claim was refused. */
  attempt: number | null;
  /** Attempts made before the latest replay (the retry budget counts from here). */
  attemptBase: number;
  executionType: ExecutionType;
  httpMethod: HttpMethod;
  /** Redacted display copies; the real values are in `httpTargetSealed`. */
  httpUrl: string;
  httpHeaders: Record<string, string>;
  /** The real URL and headers, sealed; null for a row from before encryption at rest. */
  httpTargetSealed: string | null;
  /**
   * Sealed signing secrets that sign this attempt, current first: the previous one only while
   * its grace lasts by the database's clock, judged in the claim statement.
   */
  signingSecretsSealed: string[];
  httpBody: HttpBody | null;
  timeoutSeconds: number;
  retryPolicy: RetryPolicy;
}

export type AttemptStatus = Extract<ExecutionStatus, 'SUCCEEDED' | 'FAILED' | 'RETRYING'>;

export interface AttemptResult {
  id: string;
  attempt: number;
  status: AttemptStatus;
  httpStatus: number | null;
  durationMs: number;
  responseExcerpt: string | null;
  error: string | null;
  /** Set with RETRYING: when the next attempt may start. */
  nextAttemptAt: Date | null;
}

/** The worker's reads and writes of executions and attempts. */
@Injectable()
export class ExecutionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims a batch durably before anything is sent (brief, invariant 4): each claimable
   * execution becomes RUNNING, its attempt counter is incremented and an attempt row is
   * written, in one statement. Claimable: QUEUED or RETRYING with attempts left, or - for
   * AT_LEAST_ONCE only - RUNNING (its previous worker died; the lease reaper requeued it).
   * An AT_MOST_ONCE execution found RUNNING is never claimed again.
   */
  async claim(ids: readonly string[], workerId: string): Promise<ClaimedExecution[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<{
      id: string;
      job_id: string;
      tenant_id: string;
      max_concurrent: number | null;
      max_per_second: number | null;
      scheduled_at: Date;
      previous_status: ExecutionStatus;
      attempt: number | null;
      attempt_base: number;
      execution_type: ExecutionType;
      http_method: HttpMethod;
      http_url: string;
      http_headers: Record<string, string>;
      http_target_sealed: string | null;
      signing_secret_sealed: string | null;
      previous_signing_secret_sealed: string | null;
      http_body: HttpBody | null;
      timeout_seconds: number;
      retry_policy: RetryPolicy;
    }>(
      this.dataSource,
      `WITH claimed AS (
         UPDATE executions e
         SET status = 'RUNNING', attempts = e.attempts + 1, next_attempt_at = NULL,
             started_at = COALESCE(e.started_at, clock_timestamp()), updated_at = clock_timestamp()
         FROM jobs j
         WHERE e.id = ANY($1::uuid[]) AND j.id = e.job_id
           AND e.attempts - e.attempt_base < (j.retry_policy->>'maxAttempts')::int
           AND (e.status IN ('QUEUED', 'RETRYING')
             OR (e.status = 'RUNNING' AND j.execution_type = 'AT_LEAST_ONCE'))
         RETURNING e.id, e.attempts
       ), attempt_rows AS (
         INSERT INTO execution_attempts (execution_id, attempt, worker_id, started_at)
         SELECT id, attempts, $2, clock_timestamp() FROM claimed
       ), lost_attempts AS (
         UPDATE execution_attempts a
         SET finished_at = clock_timestamp(), error = 'worker lost during the attempt'
         FROM claimed c
         WHERE a.execution_id = c.id AND a.attempt = c.attempts - 1 AND a.finished_at IS NULL
       )
       SELECT e.id, e.job_id, j.tenant_id,
              (t.quotas->>'maxConcurrentExecutions')::int AS max_concurrent,
              (t.quotas->>'maxExecutionsPerSecond')::int AS max_per_second,
              e.scheduled_at, e.status AS previous_status, c.attempts AS attempt,
              e.attempt_base,
              j.execution_type, j.http_method, j.http_url, j.http_headers, j.http_target_sealed,
              j.signing_secret_sealed,
              CASE WHEN j.previous_signing_secret_expires_at > clock_timestamp()
                   THEN j.previous_signing_secret_sealed END AS previous_signing_secret_sealed,
              j.http_body, j.timeout_seconds, j.retry_policy
       FROM executions e
       JOIN jobs j ON j.id = e.job_id
       JOIN tenants t ON t.id = j.tenant_id
       LEFT JOIN claimed c ON c.id = e.id
       WHERE e.id = ANY($1::uuid[])`,
      [ids, workerId],
    );
    return rows.map((row) => ({
      id: row.id,
      jobId: row.job_id,
      tenantId: row.tenant_id,
      tenantLimits: {
        maxConcurrentExecutions: row.max_concurrent,
        maxExecutionsPerSecond: row.max_per_second,
      },
      scheduledAt: row.scheduled_at,
      previousStatus: row.previous_status,
      attempt: row.attempt,
      attemptBase: row.attempt_base,
      executionType: row.execution_type,
      httpMethod: row.http_method,
      httpUrl: row.http_url,
      httpHeaders: row.http_headers,
      httpTargetSealed: row.http_target_sealed,
      signingSecretsSealed: [row.signing_secret_sealed, row.previous_signing_secret_sealed].filter(
        (sealed): sealed is string => sealed !== null,
      ),
      httpBody: row.http_body,
      timeoutSeconds: row.timeout_seconds,
      retryPolicy: row.retry_policy,
    }));
  }

  /**
   * Records a batch of attempt outcomes. Each write is fenced by the attempt number the
   * worker claimed: a worker whose execution was meanwhile claimed again (lease expired)
   * changes nothing. Returns the ids that were recorded.
   */
  async record(results: readonly AttemptResult[]): Promise<Set<string>> {
    if (results.length === 0) return new Set();
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::int[], $6::text[],
                              $7::text[], $8::timestamptz[])
           AS r(id, attempt, status, http_status, duration_ms, excerpt, error, next_attempt_at)
       ), execution_rows AS (
         UPDATE executions e
         SET status = r.status, http_status = r.http_status, duration_ms = r.duration_ms,
             response_excerpt = r.excerpt, error = r.error, next_attempt_at = r.next_attempt_at,
             finished_at = CASE WHEN r.status = 'RETRYING' THEN NULL ELSE clock_timestamp() END,
             updated_at = clock_timestamp()
         FROM r
         WHERE e.id = r.id AND e.attempts = r.attempt AND e.status = 'RUNNING'
         RETURNING e.id
       ), attempt_rows AS (
         UPDATE execution_attempts a
         SET finished_at = clock_timestamp(), duration_ms = r.duration_ms,
             http_status = r.http_status, response_excerpt = r.excerpt, error = r.error
         FROM r
         WHERE a.execution_id = r.id AND a.attempt = r.attempt
       )
       SELECT id FROM execution_rows`,
      [
        results.map((r) => r.id),
        results.map((r) => r.attempt),
        results.map((r) => r.status),
        results.map((r) => r.httpStatus),
        results.map((r) => r.durationMs),
        results.map((r) => r.responseExcerpt),
        results.map((r) => r.error),
        results.map((r) => r.nextAttemptAt?.toISOString() ?? null),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * An execution that cannot be claimed again although it never finished: its previous
   * worker died mid-request. AT_MOST_ONCE: the request may have been received, so it is not
   * sent again; AT_LEAST_ONCE: it had no attempts left.
   */
  async failAbandoned(id: string, reason: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `UPDATE executions SET status = 'FAILED', error = $2, finished_at = clock_timestamp(),
              updated_at = clock_timestamp()
       WHERE id = $1 AND status = 'RUNNING'
       RETURNING id`,
      [id, reason],
    );
    await this.dataSource.query(
      `UPDATE execution_attempts SET error = COALESCE(error, $2), finished_at = COALESCE(finished_at, clock_timestamp())
       WHERE execution_id = $1 AND finished_at IS NULL`,
      [id, 'worker lost during the attempt'],
    );
    return rows.length > 0;
  }

  /** Graceful shutdown of an AT_LEAST_ONCE attempt: back to QUEUED for another worker. */
  async requeueAborted(id: string, attempt: number): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `WITH e AS (
         UPDATE executions SET status = 'QUEUED', updated_at = clock_timestamp()
         WHERE id = $1 AND attempts = $2 AND status = 'RUNNING'
         RETURNING id
       )
       UPDATE execution_attempts a SET finished_at = clock_timestamp(),
              error = 'aborted: worker shutting down'
       FROM e WHERE a.execution_id = e.id AND a.attempt = $2
       RETURNING a.execution_id AS id`,
      [id, attempt],
    );
    return rows.length > 0;
  }

  /**
   * Transition "defer a claimed attempt that was never sent" (circuit open, destination
   * busy, worker stopping before it sent): the claim is undone as if it had not happened, so
   * the retry budget and `X-Attempt` numbering are unaffected.
   *
   * - from:  RUNNING, claimed by this worker as attempt `attempt` (nothing left the worker)
   * - to:    RETRYING; attempts = `attempt` - 1; the attempt row `attempt` deleted (the next
   *          claim writes it again); next_attempt_at = the database's now + `delayMs`;
   *          error = `reason` (log-safe); started_at cleared if no attempt was ever made
   * - fence: status = 'RUNNING' AND attempts = `attempt`
   *
   * Returns false if fenced out: the lease expired and the execution was claimed again (or
   * settled) meanwhile; then nothing changes.
   */
  async deferClaimed(
    id: string,
    attempt: number,
    delayMs: number,
    reason: string,
  ): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `WITH e AS (
         UPDATE executions
         SET status = 'RETRYING', attempts = attempts - 1,
             next_attempt_at = clock_timestamp() + make_interval(secs => $3 / 1000.0),
             error = $4,
             started_at = CASE WHEN attempts - 1 = 0 THEN NULL ELSE started_at END,
             updated_at = clock_timestamp()
         WHERE id = $1 AND status = 'RUNNING' AND attempts = $2
         RETURNING id
       ), attempt_rows AS (
         DELETE FROM execution_attempts a USING e
         WHERE a.execution_id = e.id AND a.attempt = $2
       )
       SELECT id FROM e`,
      [id, attempt, delayMs, reason],
    );
    return rows.length > 0;
  }
}
