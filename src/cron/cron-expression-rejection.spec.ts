import { describe, expect, it } from '@jest/globals';

import {
  describeCronExpression,
  InvalidCronExpressionError,
  parseCronExpression,
  UnknownTimeZoneError,
} from './cron-expression.js';

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

function rejectionOf(expression: string, field?: string): InvalidCronExpressionError {
  const error = errorOf(() => parseCronExpression(expression, 'UTC', field));
  expect(error).toBeInstanceOf(InvalidCronExpressionError);
  return error as InvalidCronExpressionError;
}

const FIELD_COUNT =
  'expected 6 fields (second minute hour day-of-month month day-of-week) or 5 (minute hour day-of-month month day-of-week)';

describe('CRON rejections say what is wrong and what was expected', () => {
  it.each([
    ['60 * * * * *', 'cronExpression: field "second" value 60 is out of range 0-59'],
    ['0 60 * * * *', 'cronExpression: field "minute" value 60 is out of range 0-59'],
    ['0 0 24 * * *', 'cronExpression: field "hour" value 24 is out of range 0-23'],
    ['0 0 0 0 * *', 'cronExpression: field "day-of-month" value 0 is out of range 1-31'],
    ['0 0 0 * 13 *', 'cronExpression: field "month" value 13 is out of range 1-12'],
    ['0 0 0 * * 8', 'cronExpression: field "day-of-week" value 8 is out of range 0-7'],
    ['0 0 0 * * * 2026', `cronExpression: ${FIELD_COUNT}, got 7`],
    ['* * * *', `cronExpression: ${FIELD_COUNT}, got 4`],
    ['0 0 0 * * FOO', 'cronExpression: unknown name "FOO" in day-of-week; expected SUN-SAT'],
    ['0 0 0 * FOO *', 'cronExpression: unknown name "FOO" in month; expected JAN-DEC'],
    ['0 0 0 * * SUNDAY', 'cronExpression: unknown name "SUNDAY" in day-of-week; expected SUN-SAT'],
    ['0 0 FOO * * *', 'cronExpression: field "hour" value "FOO" is not a number; expected 0-23'],
    ['', 'cronExpression must not be empty'],
    [' \t ', 'cronExpression must not be empty'],
    [
      'H * * * * *',
      'cronExpression: field "second" uses "H" (hashed values), which is not supported',
    ],
    [
      '0 H/5 * * * *',
      'cronExpression: field "minute" uses "H" (hashed values), which is not supported',
    ],
    [
      '0 0 0 30 2 *',
      'cronExpression: never fires: day-of-month "30" does not occur in month "2" (at most 29 days)',
    ],
    [
      '0 0 0 31 APR,JUN *',
      'cronExpression: never fires: day-of-month "31" does not occur in month "APR,JUN" (at most 30 days)',
    ],
    [
      '0 0 0 15W * *',
      'cronExpression: field "day-of-month" uses "W" (nearest weekday), which is not supported',
    ],
    [
      '0 0 0 L-3 * *',
      'cronExpression: field "day-of-month" uses "L-3" (days before the last), which is not supported; use "L"',
    ],
    [
      '0 0 0 * * L',
      'cronExpression: field "day-of-week" value "L" is not supported; use "nL" for the last weekday n (e.g. "5L")',
    ],
    [
      '0 0 0 * * 1#6',
      'cronExpression: field "day-of-week" occurrence 6 in "1#6" is out of range 1-5',
    ],
    [
      '0 0 22-2 * * *',
      'cronExpression: field "hour" range 22-2 is reversed; expected start <= end (ranges do not wrap around)',
    ],
    [
      '0 */0 * * * *',
      'cronExpression: field "minute" step 0 is invalid; expected a whole number from 1 to 60',
    ],
    [
      '0 0 0 */32 * *',
      'cronExpression: field "day-of-month" step 32 is invalid; expected a whole number from 1 to 31',
    ],
    [
      '? * * * * *',
      'cronExpression: field "second" does not accept "?"; it may only stand for a whole day-of-month or day-of-week',
    ],
    [
      '0 0 0 1,? * *',
      'cronExpression: field "day-of-month" uses "?" inside a list; "?" must be the whole field',
    ],
    [
      '0 0 L * * *',
      'cronExpression: field "hour" does not accept "L"; it is allowed in day-of-month ("L") and day-of-week ("nL")',
    ],
    [
      '0 0 5#1 * * *',
      'cronExpression: field "hour" does not accept "#"; "n#k" is only allowed in day-of-week',
    ],
    [
      '0 0 1.5 * * *',
      'cronExpression: field "hour" value "1.5" is not valid; expected a number, "*", a list "a,b", a range "a-b" or a step "*/n", "a/n", "a-b/n"',
    ],
    ['0 0 0 ,1 * *', 'cronExpression: field "day-of-month" has an empty list item'],
    [
      '@fortnightly',
      'cronExpression: unknown macro "@fortnightly"; expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @minutely, @secondly',
    ],
    ['@daily 12', 'cronExpression: macro "@daily" must be the whole expression'],
  ])('rejects %j', (expression, message) => {
    const error = rejectionOf(expression);
    expect(error.message).toBe(message);
    expect(error.code).toBe('INVALID_CRON_EXPRESSION');
    expect(error.field).toBe('cronExpression');
  });

  it('rejects an expression longer than 1024 characters', () => {
    expect(rejectionOf(`0 0 0 * * ${'1,'.repeat(600)}1`).message).toBe(
      'cronExpression: too long (1211 characters); expected at most 1024 characters',
    );
  });

  it('reports against the field the caller names', () => {
    const error = rejectionOf('61 * * * *', 'expression');
    expect(error.field).toBe('expression');
    expect(error.message).toBe('expression: field "minute" value 61 is out of range 0-59');
    expect(rejectionOf('', 'expression').message).toBe('expression must not be empty');
  });

  it('rejects an unknown time zone, reported against its own field', () => {
    for (const timeZone of ['Mars/Olympus', '+05:00', 'GMT+5', '', ' UTC', 'Europe/London ']) {
      const error = errorOf(() => parseCronExpression('0 0 * * * *', timeZone));
      expect(error).toBeInstanceOf(UnknownTimeZoneError);
      expect(error).toMatchObject({
        code: 'UNKNOWN_TIME_ZONE',
        field: 'timezone',
        message: `timezone: unknown time zone ${JSON.stringify(timeZone)}; expected an IANA name such as "UTC", "Europe/London" or "America/New_York"`,
      });
    }
  });

  it('validates the expression in describeCronExpression too', () => {
    expect(() => describeCronExpression('0 0 0 30 2 *')).toThrow(InvalidCronExpressionError);
  });
});
