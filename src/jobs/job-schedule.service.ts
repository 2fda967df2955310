import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { InvalidRequestError } from '../common/invalid-request.error.js';
import { describeCronExpression, parseCronExpression } from '../cron/cron-expression.js';
import type { CronNextResponse, NextRunsResponse } from './dto/job-responses.dto.js';
import type { CronNextQueryDto, ScheduleQueryDto } from './dto/job-queries.dto.js';
import type { TenantScope } from '../tenancy/principal.js';
import { JobsService } from './jobs.service.js';

/** Upcoming fire times, for a stored job or for an expression being tried out. */
@Injectable()
export class JobScheduleService {
  constructor(
    private readonly jobs: JobsService,
    private readonly clock: Clock,
  ) {}

  async forJob(scope: TenantScope, id: string, query: ScheduleQueryDto): Promise<NextRunsResponse> {
    const job = await this.jobs.find(scope, id);
    return this.nextRuns(job.cronExpression, job.timezone, query, 'cronExpression');
  }

  forExpression(query: CronNextQueryDto): CronNextResponse {
    const runs = this.nextRuns(query.expression, query.timezone, query, 'expression');
    return { ...runs, description: describeCronExpression(runs.cronExpression) };
  }

  private nextRuns(
    expression: string,
    timezone: string,
    query: ScheduleQueryDto,
    field: string,
  ): NextRunsResponse {
    const schedule = parseCronExpression(expression, timezone, field);
    const from = query.from === undefined ? this.clock.now() : new Date(query.from);
    if (Number.isNaN(from.getTime())) {
      throw new InvalidRequestError('from', 'from must be an ISO-8601 date-time');
    }
    return {
      cronExpression: schedule.expression,
      timezone: schedule.timeZone,
      nextRuns: schedule.take(query.count, from).map((date) => date.toISOString()),
    };
  }
}
