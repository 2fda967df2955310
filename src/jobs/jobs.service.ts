import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/not-found.error.js';
import { PreconditionFailedError } from '../common/precondition-failed.error.js';
import { parseCronExpression } from '../cron/cron-expression.js';
import type { AuditAction, AuditChange } from '../database/entities/job-audit-event.entity.js';
import type { JobEntity } from '../database/entities/job.entity.js';
import { ExecutionQueue } from '../queue/execution-queue.js';
import type { Principal, TenantScope } from '../tenancy/principal.js';
import type { CreateJobDto } from './dto/create-job.dto.js';
import type { JobCreatedResponse, JobListResponse, JobResponse } from './dto/job-responses.dto.js';
import type { ListJobsQueryDto } from './dto/job-queries.dto.js';
import type { UpdateJobDto } from './dto/update-job.dto.js';
import { IdempotentRequests } from './idempotent-requests.service.js';
import { JobAuditRepository } from './job-audit.repository.js';
import { JobDefinitionRules } from './job-definition.rules.js';
import { JobQuotaRules } from './job-quota.rules.js';
import { JobRepository } from './job.repository.js';
import { JobSecretsService } from './job-secrets.service.js';
import { toJobResponse } from './job-response.mapper.js';

const DEFAULT_TIMEOUT_SECONDS = 30;

/** Response fields that change without anyone changing the job: not audited. */
const UNAUDITED_FIELDS = new Set(['nextRunAt', 'updatedAt', 'createdAt', 'version']);

/**
 * Creating, reading, changing and (soft) deleting job definitions, for one tenant at a time.
 * Every change is audited in its own transaction and bumps the job's `version` (its ETag).
 */
@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly audit: JobAuditRepository,
    private readonly idempotent: IdempotentRequests,
    private readonly rules: JobDefinitionRules,
    private readonly quotas: JobQuotaRules,
    private readonly secrets: JobSecretsService,
    private readonly clock: Clock,
    private readonly queue: ExecutionQueue,
  ) {}

  /**
   * The only response that carries the job's signing secret: it is never shown again (a
   * repeat with the same `Idempotency-Key` replays it from the sealed stored response).
   */
  async create(
    caller: Principal,
    input: CreateJobDto,
    idempotencyKey?: string,
  ): Promise<JobCreatedResponse> {
    this.rules.rejectNulls(input);
    this.rules.checkDestination(input.httpUrl);
    const id = this.jobs.newId();
    const signingSecret = this.secrets.newSigningSecret(id);
    const candidate = {
      id,
      name: input.name,
      description: input.description ?? null,
      cronExpression: parseCronExpression(input.cronExpression, input.timezone ?? 'UTC').expression,
      timezone: input.timezone ?? 'UTC',
      httpMethod: input.httpMethod ?? 'POST',
      ...this.secrets.newTarget(id, input.httpUrl, input.httpHeaders ?? {}),
      signingSecretSealed: signingSecret.sealed,
      httpBody: input.httpBody ?? null,
      executionType: input.executionType ?? 'AT_LEAST_ONCE',
      timeoutSeconds:
        input.timeoutSeconds ?? Math.min(DEFAULT_TIMEOUT_SECONDS, this.rules.maxTimeoutSeconds),
      retryPolicy: this.rules.mergeRetryPolicy(undefined, input.retryPolicy),
      misfirePolicy: input.misfirePolicy ?? 'FIRE_ONCE',
      misfireWindowSeconds: input.misfireWindowSeconds ?? null,
      isActive: input.isActive ?? true,
    } satisfies Partial<JobEntity>;
    this.rules.check(candidate);
    const quotas = await this.quotas.of(caller);
    this.quotas.checkInterval(quotas, candidate.cronExpression, candidate.timezone);
    return this.idempotent.run(caller, 'create-job', idempotencyKey, input, async (manager) => {
      const saved = await this.jobs.insert(manager, caller, candidate, quotas.maxJobs);
      if (saved === 'quota') throw this.quotas.maxJobsReached(quotas);
      const response = this.respond(saved);
      await this.record(manager, caller, saved, 'CREATE', diff(undefined, response));
      return { ...response, signingSecret: signingSecret.secret };
    });
  }

  async get(scope: TenantScope, id: string): Promise<JobResponse> {
    return this.respond(await this.find(scope, id));
  }

  async list(scope: TenantScope, query: ListJobsQueryDto): Promise<JobListResponse> {
    const { items, total } = await this.jobs.list(scope, query);
    return {
      items: items.map((job) => this.respond(job)),
      page: query.page,
      limit: query.limit,
      total,
    };
  }

  /**
   * A changed schedule takes effect from the next fire after the change. With `ifMatch`
   * (the ETag of a previous read) the change applies only to that version: 412 otherwise,
   * so two operators cannot silently overwrite each other.
   */
  async update(
    caller: Principal,
    id: string,
    change: UpdateJobDto,
    ifMatch?: string,
  ): Promise<JobResponse> {
    this.rules.rejectNulls(change);
    const { response, removed } = await this.jobs.transaction(async (manager) => {
      const job = await this.lock(manager, caller, id);
      if (ifMatch !== undefined && !etagMatches(ifMatch, job.version)) {
        throw new PreconditionFailedError(job.version);
      }
      const before = this.respond(job);
      const wasActive = job.isActive;
      const scheduleChanged =
        (change.cronExpression !== undefined && change.cronExpression !== job.cronExpression) ||
        (change.timezone !== undefined && change.timezone !== job.timezone);
      const target = this.secrets.changedTarget(job, change);
      this.apply(job, change, scheduleChanged);
      this.rules.check(job);
      if (scheduleChanged) {
        const quotas = await this.quotas.of(caller);
        this.quotas.checkInterval(quotas, job.cronExpression, job.timezone);
      }
      const saved = await this.jobs.save(manager, job, target);
      const activityChanged = change.isActive !== undefined && change.isActive !== wasActive;
      const removed =
        scheduleChanged || activityChanged
          ? await this.jobs.resetSchedule(manager, saved, saved.isActive)
          : [];
      const after = this.respond(saved);
      const action: AuditAction = !activityChanged ? 'UPDATE' : saved.isActive ? 'RESUME' : 'PAUSE';
      await this.record(manager, caller, saved, action, diff(before, after));
      return { response: after, removed };
    });
    await this.queue.remove(removed);
    return response;
  }

  /** Soft delete: the job stops firing and leaves the default listing; PATCH can revive it. */
  async remove(caller: Principal, id: string): Promise<void> {
    const removed = await this.jobs.transaction(async (manager) => {
      const job = await this.lock(manager, caller, id);
      if (job.deletedAt !== null) return [];
      const before = this.respond(job);
      job.isActive = false;
      job.deletedAt = this.clock.now();
      const saved = await this.jobs.save(manager, job);
      const ids = await this.jobs.resetSchedule(manager, saved, false);
      await this.record(manager, caller, saved, 'DELETE', diff(before, this.respond(saved)));
      return ids;
    });
    await this.queue.remove(removed);
  }

  async find(scope: TenantScope, id: string): Promise<JobEntity> {
    const job = await this.jobs.findById(scope, id);
    if (!job) throw new NotFoundError('Job', id);
    return job;
  }

  /** An audit event for something done to a job other than changing it (trigger, replay). */
  async recordAction(
    manager: EntityManager,
    caller: Principal,
    job: JobEntity,
    action: AuditAction,
    changes: AuditChange[],
  ): Promise<void> {
    await this.record(manager, caller, job, action, changes);
  }

  private async lock(manager: EntityManager, scope: TenantScope, id: string): Promise<JobEntity> {
    const job = await this.jobs.lockById(manager, scope, id);
    if (!job) throw new NotFoundError('Job', id);
    return job;
  }

  private apply(job: JobEntity, change: UpdateJobDto, scheduleChanged: boolean): void {
    if (change.name !== undefined) job.name = change.name;
    if (change.description !== undefined) job.description = change.description;
    if (change.timezone !== undefined) job.timezone = change.timezone;
    if (change.cronExpression !== undefined) {
      job.cronExpression = parseCronExpression(change.cronExpression, job.timezone).expression;
    }
    if (change.httpMethod !== undefined) job.httpMethod = change.httpMethod;
    // URL and headers are not assigned here: `JobSecretsService.changedTarget` turns them
    // into the stored (redacted + sealed) form, and `JobRepository.save` writes that.
    if (change.httpUrl !== undefined) this.rules.checkDestination(change.httpUrl);
    if (change.httpBody !== undefined) job.httpBody = change.httpBody;
    if (change.executionType !== undefined) job.executionType = change.executionType;
    if (change.timeoutSeconds !== undefined) job.timeoutSeconds = change.timeoutSeconds;
    if (change.retryPolicy !== undefined) {
      job.retryPolicy = this.rules.mergeRetryPolicy(job.retryPolicy, change.retryPolicy);
    }
    if (change.misfirePolicy !== undefined) job.misfirePolicy = change.misfirePolicy;
    if (change.misfireWindowSeconds !== undefined) {
      job.misfireWindowSeconds = change.misfireWindowSeconds;
    }
    if (change.isActive !== undefined) {
      job.isActive = change.isActive;
      // Reactivating a soft-deleted job brings it back.
      if (change.isActive) job.deletedAt = null;
    }
    if (scheduleChanged) job.scheduleVersion += 1;
  }

  private async record(
    manager: EntityManager,
    caller: Principal,
    job: JobEntity,
    action: AuditAction,
    changes: AuditChange[],
  ): Promise<void> {
    if (changes.length === 0 && (action === 'UPDATE' || action === 'DELETE')) return;
    await this.audit.record(manager, caller, {
      jobId: job.id,
      jobVersion: job.version,
      action,
      actorKeyPrefix: caller.keyPrefix,
      changes,
    });
  }

  private respond(job: JobEntity): JobResponse {
    const nextRunAt = job.isActive
      ? parseCronExpression(job.cronExpression, job.timezone).next(this.clock.now())
      : null;
    return toJobResponse(job, nextRunAt);
  }
}

/**
 * The fields that differ, as the API shows them: secrets are already redacted there, so the
 * audit trail can never hold more than a GET would show.
 */
function diff(before: JobResponse | undefined, after: JobResponse): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const [field, value] of Object.entries(after)) {
    if (UNAUDITED_FIELDS.has(field)) continue;
    const previous =
      before === undefined ? undefined : (before as unknown as Record<string, unknown>)[field];
    if (before !== undefined && isDeepStrictEqual(previous, value)) continue;
    changes.push(
      before === undefined ? { field, to: value } : { field, from: previous, to: value },
    );
  }
  return changes;
}

/** `If-Match: "3"`, `W/"3"`, a list of them, or `*`. */
function etagMatches(header: string, version: number): boolean {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === `"${version}"`);
}
