import { describe, expect, it } from '@jest/globals';

import { parseCronExpression } from './cron-expression.js';

/*
 * Fire times must not depend on the host's `TZ`. This fingerprint (50 fires of expressions in
 * zones chosen for their transitions) is compared with a committed snapshot; the test script
 * runs the unit project again under TZ=America/St_Johns (-03:30/-02:30), so an accidental use of
 * local-time `Date` methods shows up as a snapshot mismatch. Changing the snapshot needs a
 * reason: either the semantics changed on purpose or ICU's zone data did (tz version upgrade).
 */

const CASES: readonly (readonly [expression: string, timeZone: string, from: string])[] = [
  ['0 30 2 * * *', 'America/New_York', '2026-03-01T00:00:00Z'], // spring-forward gap
  ['0 30 1 * * *', 'America/New_York', '2026-10-25T00:00:00Z'], // fall-back: first copy
  ['0 */30 * * * *', 'America/New_York', '2026-11-01T04:00:00Z'], // both copies
  ['0 */15 * * * *', 'Europe/London', '2026-03-29T00:00:00Z'], // no duplicates in the gap
  ['0 15 2 * * *', 'Australia/Lord_Howe', '2026-09-01T00:00:00Z'], // 30-minute gap
  ['0 45 1 * * *', 'Australia/Lord_Howe', '2026-03-20T00:00:00Z'], // 30-minute overlap
  ['@daily', 'America/Santiago', '2026-08-15T00:00:00Z'], // midnight skipped
  ['0 30 0 * * *', 'America/Havana', '2026-10-10T00:00:00Z'], // midnight repeated
  ['0 30 23 * * *', 'America/Nuuk', '2026-03-01T00:00:00Z'], // gap across midnight
  ['0 0 12 * * *', 'Pacific/Apia', '2011-12-01T00:00:00Z'], // a whole date skipped
  ['0 0 1 * * *', 'Africa/Cairo', '2026-04-01T00:00:00Z'],
  ['0 0 */6 * * *', 'Africa/Casablanca', '2026-02-01T00:00:00Z'], // Ramadan offset changes
  ['0 0 2 * * *', 'Europe/Dublin', '2026-03-15T00:00:00Z'],
  ['*/20 * * * * *', 'America/St_Johns', '2026-03-08T05:20:00Z'],
  ['0 0 9 * * MON-FRI', 'Asia/Kolkata', '2026-01-01T00:00:00Z'],
  ['@hourly', 'Asia/Kathmandu', '2026-01-01T00:00:00Z'],
  ['0 0 0 L * *', 'Pacific/Chatham', '2026-01-01T00:00:00Z'],
  ['0 0 0 * * 5L', 'Asia/Tehran', '2026-01-01T00:00:00Z'],
  ['0 0 3 * * 0#1', 'Europe/Berlin', '2026-01-01T00:00:00Z'],
  ['0 0 0,12 13 * FRI', 'Australia/Sydney', '2026-01-01T00:00:00Z'],
  ['0 0 0 29 2 *', 'UTC', '2026-01-01T00:00:00Z'],
  ['0 0 0 * 2 1#5', 'Europe/Paris', '2026-01-01T00:00:00Z'],
];

describe('fire times do not depend on the host time zone', () => {
  it('matches the committed fingerprint', () => {
    const fingerprint = Object.fromEntries(
      CASES.map(([expression, timeZone, from]) => [
        `${expression} in ${timeZone} after ${from}`,
        parseCronExpression(expression, timeZone)
          .take(50, new Date(from))
          .map((date) => date.toISOString()),
      ]),
    );
    expect(fingerprint).toMatchSnapshot();
  });
});
