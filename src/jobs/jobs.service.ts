import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/not-found.error.js';
import { AppConfig } from '../config/app-config.js';
import { parseCronExpression } from '../cron/cron-expression.js';
import { ExecutionQueue } from '../queue/execution-queue.js';
import type { JobEntity } from '../database/entities/job.entity.js';
import type { CreateJobDto } from './dto/create-job.dto.js';
import type { JobCreatedResponse, JobListResponse, JobResponse } from './dto/job-responses.dto.js';
import type { ListJobsQueryDto } from './dto/job-queries.dto.js';
import type { UpdateJobDto } from './dto/update-job.dto.js';
import { JobDefinitionRules } from './job-definition.rules.js';
import { JobRepository } from './job.repository.js';
import { toJobResponse } from './job-response.mapper.js';
import { JobSecretsService } from './job-secrets.service.js';

const DEFAULT_TIMEOUT_SECONDS = 30;

/** Creating, reading, changing and (soft) deleting job definitions. */
@Injectable()
export class JobsService {
  private readonly rules: JobDefinitionRules;

  constructor(
    private readonly jobs: JobRepository,
    private readonly clock: Clock,
    private readonly queue: ExecutionQueue,
    private readonly secrets: JobSecretsService,
    config: AppConfig,
  ) {
    this.rules = new JobDefinitionRules(config.worker.httpTimeoutSeconds);
  }

  /** The only response that carries the job's signing secret: it is never shown again. */
  async create(input: CreateJobDto): Promise<JobCreatedResponse> {
    this.rules.rejectNulls(input);
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
    const job = await this.jobs.insert(candidate);
    return { ...this.respond(job), signingSecret: signingSecret.secret };
  }

  async get(id: string): Promise<JobResponse> {
    return this.respond(await this.find(id));
  }

  async list(query: ListJobsQueryDto): Promise<JobListResponse> {
    const { items, total } = await this.jobs.list(query);
    return {
      items: items.map((job) => this.respond(job)),
      page: query.page,
      limit: query.limit,
      total,
    };
  }

  /** A changed schedule takes effect from the next fire after the change. */
  async update(id: string, change: UpdateJobDto): Promise<JobResponse> {
    this.rules.rejectNulls(change);
    const job = await this.find(id);
    const wasActive = job.isActive;
    const scheduleChanged =
      (change.cronExpression !== undefined && change.cronExpression !== job.cronExpression) ||
      (change.timezone !== undefined && change.timezone !== job.timezone);

    if (change.name !== undefined) job.name = change.name;
    if (change.description !== undefined) job.description = change.description;
    if (change.timezone !== undefined) job.timezone = change.timezone;
    if (change.cronExpression !== undefined) {
      job.cronExpression = parseCronExpression(change.cronExpression, job.timezone).expression;
    }
    if (change.httpMethod !== undefined) job.httpMethod = change.httpMethod;
    const target = this.secrets.changedTarget(job, change);
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
    this.rules.check(job);
    const activityChanged = change.isActive !== undefined && change.isActive !== wasActive;
    if (!scheduleChanged && !activityChanged) {
      return this.respond(await this.jobs.save(job, target));
    }
    const { job: saved, removedExecutionIds } = await this.jobs.saveWithScheduleReset(
      job,
      job.isActive,
      target,
    );
    await this.queue.remove(removedExecutionIds);
    return this.respond(saved);
  }

  /** Soft delete: the job stops firing and leaves the default listing; PATCH can revive it. */
  async remove(id: string): Promise<void> {
    const job = await this.find(id);
    if (job.deletedAt !== null) return;
    job.isActive = false;
    job.deletedAt = this.clock.now();
    const { removedExecutionIds } = await this.jobs.saveWithScheduleReset(job, false);
    await this.queue.remove(removedExecutionIds);
  }

  async find(id: string): Promise<JobEntity> {
    const job = await this.jobs.findById(id);
    if (!job) throw new NotFoundError('Job', id);
    return job;
  }

  private respond(job: JobEntity): JobResponse {
    const nextRunAt = job.isActive
      ? parseCronExpression(job.cronExpression, job.timezone).next(this.clock.now())
      : null;
    return toJobResponse(job, nextRunAt);
  }
}
