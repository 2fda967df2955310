/**
 * The time source for informational times (e.g. a job's `nextRunAt`). Due-ness and leases
 * are judged by the database's clock instead (brief, invariant 6). Injected so that tests
 * control time without sleeping.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
