import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

@Injectable()
export class ExecutionMetrics {
  readonly attempts: Counter<'outcome'>;
  readonly finished: Counter<'status'>;
  /** First attempt's start minus the scheduled instant. */
  readonly lateness: Histogram;

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'jobsched_attempts_total',
      help: 'Webhook attempts by outcome (success, retryable, final, not-allowed: refused by the SSRF guard)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.finished = new Counter({
      name: 'jobsched_attempt_results_total',
      help: 'Recorded attempt results by resulting execution status',
      labelNames: ['status'],
      registers: [registry],
    });
    this.lateness = new Histogram({
      name: 'jobsched_fire_lateness_seconds',
      help: 'Start of the first attempt minus the scheduled instant',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }
}
