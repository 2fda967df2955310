import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { parseCronExpression } from '../cron/cron-expression.js';
import type { TenantQuotas } from '../database/entities/tenant.entity.js';
import type { TenantScope } from '../tenancy/principal.js';
import { QuotaExceededError } from '../tenancy/quota-exceeded.error.js';
import { TenantRepository } from '../tenancy/tenant.repository.js';

/**
 * Fires sampled to find an expression's shortest interval. Irregular expressions repeat
 * their pattern within a day or a month at most for anything `minIntervalSeconds` is meant
 * to bar; 200 fires cover a full day of every-10-minutes and the first 200 days of a daily.
 */
const INTERVAL_SAMPLE = 200;

/** A tenant's creation quotas: checked before a job is written. */
@Injectable()
export class JobQuotaRules {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly clock: Clock,
  ) {}

  of(scope: TenantScope): Promise<TenantQuotas> {
    return this.tenants.quotasOf(scope.tenantId);
  }

  checkInterval(quotas: TenantQuotas, cronExpression: string, timezone: string): void {
    const minimum = quotas.minIntervalSeconds;
    if (minimum === undefined) return;
    const shortest = shortestIntervalSeconds(cronExpression, timezone, this.clock.now());
    if (shortest !== null && shortest < minimum) {
      throw new QuotaExceededError(
        'minIntervalSeconds',
        `this tenant's jobs may fire at most every ${minimum} s; cronExpression fires ${shortest} s apart`,
      );
    }
  }

  maxJobsReached(quotas: TenantQuotas): QuotaExceededError {
    return new QuotaExceededError(
      'maxJobs',
      `this tenant may have at most ${quotas.maxJobs ?? 0} jobs; delete one first`,
    );
  }
}

/** The shortest gap between consecutive fires in the sample, or null with fewer than two. */
export function shortestIntervalSeconds(
  cronExpression: string,
  timezone: string,
  from: Date,
): number | null {
  const fires = parseCronExpression(cronExpression, timezone).take(INTERVAL_SAMPLE, from);
  let shortest: number | null = null;
  for (let i = 1; i < fires.length; i++) {
    const gap = (fires[i]!.getTime() - fires[i - 1]!.getTime()) / 1000;
    shortest = shortest === null ? gap : Math.min(shortest, gap);
  }
  return shortest;
}
