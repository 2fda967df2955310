import { Injectable } from '@nestjs/common';
import { parseCronExpression } from '../cron/cron-expression.js';
import { LeadershipRepository } from './leadership.repository.js';
import { ScheduleExpansionRepository } from './schedule-expansion.repository.js';
import type { Occurrence } from './schedule-expansion.repository.js';

/**
 * A job that has been idle for long (e.g. every second through a day-long outage) is
 * expanded in slices of at most this many occurrences per pass, so one pass stays short;
 * 10,000 rows insert in ~100 ms here.
 */
const MAX_OCCURRENCES_PER_JOB_PER_PASS = 10_000;

export interface ExpansionResult {
  jobs: number;
  inserted: number;
  skipped: number;
}

/** Materialises occurrences ahead of time and applies misfire policies (leader only). */
@Injectable()
export class ScheduleExpansionService {
  constructor(
    private readonly leadership: LeadershipRepository,
    private readonly repository: ScheduleExpansionRepository,
  ) {}

  async expand(
    epoch: string,
    now: Date,
    options: { lookaheadMs: number; batchSize: number; misfireThresholdMs: number },
  ): Promise<ExpansionResult> {
    const horizon = new Date(now.getTime() + options.lookaheadMs);
    return this.leadership.fenced(epoch, async (manager) => {
      const jobs = await this.repository.lockJobsToExpand(manager, horizon, options.batchSize);
      const occurrences: Occurrence[] = [];
      const watermarks: Array<{ jobId: string; until: Date }> = [];
      for (const job of jobs) {
        const schedule = parseCronExpression(job.cronExpression, job.timezone);
        const fires = schedule.between(job.expandFrom, horizon, MAX_OCCURRENCES_PER_JOB_PER_PASS);
        for (const scheduledAt of fires) occurrences.push({ jobId: job.id, scheduledAt });
        const sliced = fires.length === MAX_OCCURRENCES_PER_JOB_PER_PASS;
        watermarks.push({ jobId: job.id, until: sliced ? fires.at(-1)! : horizon });
      }
      const inserted = await this.repository.insertOccurrences(manager, occurrences, epoch);
      await this.repository.advanceWatermarks(manager, watermarks);
      const skipped = await this.repository.resolveMisfires(
        manager,
        now,
        options.misfireThresholdMs,
      );
      return { jobs: jobs.length, inserted, skipped };
    });
  }
}
