import cronstrue from 'cronstrue';

import { parseCronFields } from './cron-field.parser.js';
import { CronSchedule } from './cron-schedule.js';

/*
 * The cron module's entry point for the rest of the application: jobs (validation, "next
 * runs"), scheduling (look-ahead expansion) and the `/cron/next` endpoint import from here.
 * The re-exports keep one import path for the whole public surface.
 */
export { CronSchedule } from './cron-schedule.js';
export { InvalidCronExpressionError } from './invalid-cron-expression.error.js';
export { assertValidTimeZone, isValidTimeZone } from './time-zone.js';
export { UnknownTimeZoneError } from './unknown-time-zone.error.js';

/**
 * Validates a CRON expression and an IANA time zone and binds them into a schedule.
 * @param field the request field the expression came from, named in error messages.
 * @throws InvalidCronExpressionError when the expression breaks the contract (field `field`).
 * @throws UnknownTimeZoneError when the zone is unknown (field `timezone`).
 */
export function parseCronExpression(
  expression: string,
  timeZone: string,
  field = 'cronExpression',
): CronSchedule {
  const fields = parseCronFields(expression, field);
  // The schedule looks its zone up and throws UnknownTimeZoneError for an unknown one.
  return new CronSchedule(fields, timeZone);
}

/**
 * A human-readable description, e.g. "At 09:30:15, Monday through Friday", with the day fields
 * read as the schedule reads them (day-of-month OR day-of-week). The expression is validated and
 * normalised first (macros expanded, five fields given second 0), so cronstrue only ever sees
 * the six-field syntax that it reads with seconds first.
 * @throws InvalidCronExpressionError for an invalid expression.
 */
export function describeCronExpression(expression: string, field = 'cronExpression'): string {
  const { expression: normalised } = parseCronFields(expression, field);
  return cronstrue.toString(normalised, {
    use24HourTimeFormat: true,
    throwExceptionOnParseError: true,
    dayOfWeekStartIndexZero: true,
    logicalAndDayFields: false,
  });
}
