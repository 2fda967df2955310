import { describe, expect, it } from '@jest/globals';

import { describeCronExpression, parseCronExpression } from './cron-expression.js';

/** The next `count` fires after `from`, as ISO strings (UTC unless a zone is given). */
function fires(expression: string, from: string, count: number, timeZone = 'UTC'): string[] {
  return parseCronExpression(expression, timeZone)
    .take(count, new Date(from))
    .map((date) => date.toISOString());
}

/** Fire dates only (YYYY-MM-DD), for day-matching cases at midnight UTC. */
function fireDates(expression: string, from: string, count: number): string[] {
  return fires(expression, from, count).map((iso) => iso.slice(0, 10));
}

const JAN_1 = '2026-01-01T00:00:00Z'; // a Thursday

describe('CRON syntax: every operator', () => {
  it('fires at plain values, with second precision', () => {
    expect(fires('15 30 10 * * *', JAN_1, 2)).toEqual([
      '2026-01-01T10:30:15.000Z',
      '2026-01-02T10:30:15.000Z',
    ]);
  });

  it('reads * as every value', () => {
    expect(fires('* * * * * *', '2026-01-01T23:59:58Z', 3)).toEqual([
      '2026-01-01T23:59:59.000Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-02T00:00:01.000Z',
    ]);
  });

  it('reads ? as every day in either day field', () => {
    expect(fireDates('0 0 0 ? * MON', JAN_1, 2)).toEqual(['2026-01-05', '2026-01-12']);
    expect(fireDates('0 0 0 15 * ?', JAN_1, 2)).toEqual(['2026-01-15', '2026-02-15']);
    expect(fireDates('0 0 0 ? * ?', JAN_1, 2)).toEqual(['2026-01-02', '2026-01-03']);
  });

  it('fires at each value of a list, overlapping items included', () => {
    expect(fires('0 0 8,12,18 * * *', JAN_1, 3)).toEqual([
      '2026-01-01T08:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T18:00:00.000Z',
    ]);
    // cron-parser alone rejects this ("duplicate values"); classic cron accepts it.
    expect(fireDates('0 0 0 1-3,2 * *', JAN_1, 3)).toEqual([
      '2026-01-02',
      '2026-01-03',
      '2026-02-01',
    ]);
  });

  it('fires across a range, inclusive', () => {
    expect(fires('0 0 9-11 * * *', JAN_1, 4)).toEqual([
      '2026-01-01T09:00:00.000Z',
      '2026-01-01T10:00:00.000Z',
      '2026-01-01T11:00:00.000Z',
      '2026-01-02T09:00:00.000Z',
    ]);
  });

  it('steps over * (*/n), over a range (a-b/n) and from a start (a/n)', () => {
    expect(fires('*/20 * * * * *', JAN_1, 4)).toEqual([
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:01:20.000Z',
    ]);
    expect(fires('0 10-30/10 * * * *', JAN_1, 4)).toEqual([
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:20:00.000Z',
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T01:10:00.000Z',
    ]);
    expect(fires('0 45/5 * * * *', JAN_1, 4)).toEqual([
      '2026-01-01T00:45:00.000Z',
      '2026-01-01T00:50:00.000Z',
      '2026-01-01T00:55:00.000Z',
      '2026-01-01T01:45:00.000Z',
    ]);
    expect(fires('0 0 */6 * * *', JAN_1, 4)).toEqual([
      '2026-01-01T06:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T18:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
    ]);
    expect(fireDates('0 0 0 */10 * *', JAN_1, 4)).toEqual([
      '2026-01-11',
      '2026-01-21',
      '2026-01-31',
      '2026-02-01',
    ]);
  });

  it('steps over weekdays from a start run to Saturday, as cronstrue describes them', () => {
    // cron-parser alone would run 1/2 to 7 and add Sunday.
    expect(fireDates('0 0 0 * * 1/2', JAN_1, 4)).toEqual([
      '2026-01-02',
      '2026-01-05',
      '2026-01-07',
      '2026-01-09',
    ]);
    expect(describeCronExpression('0 0 0 * * 1/2')).toContain('Monday through Saturday');
  });

  it('accepts month and weekday names in any case, in lists and ranges', () => {
    expect(fireDates('0 0 0 1 JAN,jul *', JAN_1, 3)).toEqual([
      '2026-07-01',
      '2027-01-01',
      '2027-07-01',
    ]);
    expect(fireDates('0 0 0 * Feb-Mar mon-WED', JAN_1, 4)).toEqual([
      '2026-02-02',
      '2026-02-03',
      '2026-02-04',
      '2026-02-09',
    ]);
    expect(fireDates('0 0 0 * * FRI-SUN', JAN_1, 4)).toEqual([
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
      '2026-01-09',
    ]);
  });

  it('reads Sunday as 0 or 7, alone, in lists and at the end of a range', () => {
    const sundays = ['2026-01-04', '2026-01-11', '2026-01-18'];
    expect(fireDates('0 0 0 * * 0', JAN_1, 3)).toEqual(sundays);
    expect(fireDates('0 0 0 * * 7', JAN_1, 3)).toEqual(sundays);
    expect(fireDates('0 0 0 * * SUN', JAN_1, 3)).toEqual(sundays);
    expect(fireDates('0 0 0 * * 0,7', JAN_1, 3)).toEqual(sundays);
    expect(fireDates('0 0 0 * * 6-7', JAN_1, 3)).toEqual([
      '2026-01-03',
      '2026-01-04',
      '2026-01-10',
    ]);
  });

  it('fires on the last day of the month with L', () => {
    expect(fireDates('0 0 0 L * *', JAN_1, 4)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
    ]);
    expect(fireDates('0 0 0 L 2 *', JAN_1, 3)).toEqual(['2026-02-28', '2027-02-28', '2028-02-29']);
    expect(fireDates('0 0 0 1,L * *', JAN_1, 3)).toEqual([
      '2026-01-31',
      '2026-02-01',
      '2026-02-28',
    ]);
  });

  it('fires on the last weekday n of the month with nL', () => {
    const lastFridays = ['2026-01-30', '2026-02-27', '2026-03-27', '2026-04-24', '2026-05-29'];
    expect(fireDates('0 0 0 * * 5L', JAN_1, 5)).toEqual(lastFridays);
    expect(fireDates('0 0 0 * * fril', JAN_1, 5)).toEqual(lastFridays);
    expect(fireDates('0 0 0 * * 7L', JAN_1, 2)).toEqual(['2026-01-25', '2026-02-22']);
  });

  it('fires on the k-th weekday n with n#k, the 5th only in months that have one', () => {
    expect(fireDates('0 0 0 * * 1#2', JAN_1, 3)).toEqual([
      '2026-01-12',
      '2026-02-09',
      '2026-03-09',
    ]);
    expect(fireDates('0 0 0 * * THU#5', JAN_1, 5)).toEqual([
      '2026-01-29',
      '2026-04-30',
      '2026-07-30',
      '2026-10-29',
      '2026-12-31',
    ]);
    expect(fireDates('0 0 0 * * 1#1,1#3', JAN_1, 4)).toEqual([
      '2026-01-05',
      '2026-01-19',
      '2026-02-02',
      '2026-02-16',
    ]);
    // A fifth Monday in February needs a leap year that starts February on a Monday.
    expect(fireDates('0 0 0 * 2 1#5', JAN_1, 3)).toEqual([
      '2044-02-29',
      '2072-02-29',
      '2112-02-29',
    ]);
  });

  it('expands the macros', () => {
    const from = '2026-01-01T00:00:30Z';
    expect(fires('@yearly', from, 1)).toEqual(['2027-01-01T00:00:00.000Z']);
    expect(fires('@annually', from, 1)).toEqual(['2027-01-01T00:00:00.000Z']);
    expect(fires('@monthly', from, 1)).toEqual(['2026-02-01T00:00:00.000Z']);
    expect(fires('@weekly', from, 1)).toEqual(['2026-01-04T00:00:00.000Z']);
    expect(fires('@daily', from, 1)).toEqual(['2026-01-02T00:00:00.000Z']);
    expect(fires('@midnight', from, 1)).toEqual(['2026-01-02T00:00:00.000Z']);
    expect(fires('@hourly', from, 1)).toEqual(['2026-01-01T01:00:00.000Z']);
    expect(fires('@minutely', from, 1)).toEqual(['2026-01-01T00:01:00.000Z']);
    expect(fires('@secondly', from, 1)).toEqual(['2026-01-01T00:00:31.000Z']);
    expect(parseCronExpression(' @DAILY ', 'UTC').expression).toBe('0 0 0 * * *');
  });

  it('matches day-of-month OR day-of-week when both are restricted', () => {
    // The 13th, and every Friday.
    expect(fireDates('0 0 0 13 * 5', JAN_1, 6)).toEqual([
      '2026-01-02',
      '2026-01-09',
      '2026-01-13',
      '2026-01-16',
      '2026-01-23',
      '2026-01-30',
    ]);
    // Only * and ? leave a day field unrestricted: */10 restricts, so Mondays are added.
    expect(fireDates('0 0 0 */10 * MON', JAN_1, 4)).toEqual([
      '2026-01-05',
      '2026-01-11',
      '2026-01-12',
      '2026-01-19',
    ]);
    expect(fireDates('0 0 0 L * 5L', JAN_1, 3)).toEqual(['2026-01-30', '2026-01-31', '2026-02-27']);
  });

  it('reads five fields as second 0 and normalises the expression to six', () => {
    expect(fires('30 10 * * *', JAN_1, 1)).toEqual(['2026-01-01T10:30:00.000Z']);
    expect(parseCronExpression(' 30\t10  * *   mon-fri ', 'UTC').expression).toBe(
      '0 30 10 * * MON-FRI',
    );
  });

  it('fires strictly after the given instant, at whole seconds', () => {
    const schedule = parseCronExpression('*/15 * * * * *', 'UTC');
    expect(schedule.next(new Date('2026-01-01T00:00:15Z'))?.toISOString()).toBe(
      '2026-01-01T00:00:30.000Z',
    );
    expect(schedule.next(new Date('2026-01-01T00:00:14.999Z'))?.toISOString()).toBe(
      '2026-01-01T00:00:15.000Z',
    );
    expect(schedule.next(new Date('2026-01-01T00:00:15.001Z'))?.toISOString()).toBe(
      '2026-01-01T00:00:30.000Z',
    );
  });

  it('lists fires in (after, until] up to a limit with between()', () => {
    const schedule = parseCronExpression('0 0 * * * *', 'UTC');
    const after = new Date('2026-01-01T00:00:00Z');
    const until = new Date('2026-01-01T03:00:00Z');
    expect(schedule.between(after, until, 10).map((date) => date.toISOString())).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
    ]);
    expect(schedule.between(after, until, 2)).toHaveLength(2);
    expect(schedule.between(until, after, 10)).toEqual([]);
    expect(schedule.take(0, after)).toEqual([]);
  });

  it('finds rare dates such as Feb 29', () => {
    expect(fireDates('0 0 0 29 2 *', JAN_1, 2)).toEqual(['2028-02-29', '2032-02-29']);
  });

  it('flags an hour field that is * or a step', () => {
    expect(parseCronExpression('0 0 * * * *', 'UTC').hourIsWildcardOrStep).toBe(true);
    expect(parseCronExpression('0 0 */2 * * *', 'UTC').hourIsWildcardOrStep).toBe(true);
    expect(parseCronExpression('0 0 1-5/2 * * *', 'UTC').hourIsWildcardOrStep).toBe(true);
    expect(parseCronExpression('0 0 1 * * *', 'UTC').hourIsWildcardOrStep).toBe(false);
    expect(parseCronExpression('0 0 0-23 * * *', 'UTC').hourIsWildcardOrStep).toBe(false);
    expect(parseCronExpression('0 0 1 * * *', 'UTC').timeZone).toBe('UTC');
  });

  it('rejects invalid arguments to the iteration methods', () => {
    const schedule = parseCronExpression('0 0 * * * *', 'UTC');
    expect(() => schedule.next(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => schedule.take(-1, new Date())).toThrow(RangeError);
    expect(() => schedule.between(new Date(), new Date(), 1.5)).toThrow(RangeError);
  });
});

describe('describeCronExpression', () => {
  it('describes with seconds, 24-hour times, and the OR of the day fields', () => {
    expect(describeCronExpression('30 15 10 * * *')).toBe('At 10:15:30');
    expect(describeCronExpression('0 9 * * MON-FRI')).toBe('At 09:00, Monday through Friday');
    expect(describeCronExpression('@hourly')).toBe('Every hour');
    expect(describeCronExpression('0 0 0 13 * FRI')).toBe(
      'At 00:00, on day 13 of the month, and on Friday',
    );
    expect(describeCronExpression('0 0 0 * * 5#3')).toBe(
      'At 00:00, on the third Friday of the month',
    );
    expect(describeCronExpression('0 0 0 L * *')).toBe('At 00:00, on the last day of the month');
  });

  it('describes every expression this module accepts without throwing', () => {
    const accepted = [
      '* * * * * *',
      '0 0 0 ? * ?',
      '*/7 1-59/3 0-23/5 1/3 JAN-DEC/2 SUN-SAT',
      '0 0 0 1,15,L * 1-5',
      '0 0 0 * * 1#1,3L,FRI#5',
      '0 0 0 * * 0,7',
      '59 59 23 31 12 *',
      '0 0 0 29 2 ?',
      '0 0 0 * * 6-7',
      '0 0 0 * * FRI-SUN',
      '0 0 0 * * 7/2',
      '00 05 01 * * *',
      '@yearly',
      '@secondly',
      '0 0 0 1-3,2 * *',
    ];
    for (const expression of accepted) {
      expect(typeof describeCronExpression(expression)).toBe('string');
    }
  });
});
