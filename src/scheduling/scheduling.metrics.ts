import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

@Injectable()
export class SchedulingMetrics {
  readonly materialised: Counter;
  readonly skipped: Counter;
  readonly handedOff: Counter;

  constructor(registry: Registry) {
    this.materialised = new Counter({
      name: 'jobsched_executions_materialised_total',
      help: 'Occurrences written as execution rows by the leader',
      registers: [registry],
    });
    this.skipped = new Counter({
      name: 'jobsched_executions_skipped_total',
      help: 'Missed occurrences recorded as SKIPPED by their misfire policy',
      registers: [registry],
    });
    this.handedOff = new Counter({
      name: 'jobsched_executions_handed_off_total',
      help: 'Executions handed from PostgreSQL to the queue',
      registers: [registry],
    });
  }
}
