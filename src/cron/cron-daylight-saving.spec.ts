import { describe, expect, it } from '@jest/globals';

import { parseCronExpression } from './cron-expression.js';

/*
 * RFC 5545 rules (brief, "CRON semantics"): a skipped wall time fires shifted forward by the
 * gap; a repeated one fires at its first occurrence, except that an hour field of `*` or a step
 * runs on real elapsed time through both copies. Expected instants are written in UTC with the
 * local reading beside them; transitions were read from ICU data (tz 2025c).
 */

function fires(expression: string, timeZone: string, from: string, count: number): string[] {
  return parseCronExpression(expression, timeZone)
    .take(count, new Date(from))
    .map((date) => date.toISOString().replace('.000', ''));
}

describe('daylight saving: America/New_York (2026-03-08 02:00 EST -> 03:00 EDT, 2026-11-01 02:00 EDT -> 01:00 EST)', () => {
  it('shifts a skipped time forward by the gap: 02:30 fires at 03:30 EDT', () => {
    expect(fires('0 30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-08T07:30:00Z', // 03:30 EDT
      '2026-03-09T06:30:00Z', // 02:30 EDT
    ]);
  });

  it('fires a repeated time once, at its first (EDT) occurrence', () => {
    expect(fires('0 30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual([
      '2026-11-01T05:30:00Z', // 01:30 EDT; 01:30 EST (06:30Z) does not fire
      '2026-11-02T06:30:00Z', // 01:30 EST
    ]);
    expect(fires('0 30 1,2 * * *', 'America/New_York', '2026-11-01T04:00:00Z', 2)).toEqual([
      '2026-11-01T05:30:00Z', // 01:30 EDT
      '2026-11-01T07:30:00Z', // 02:30 EST
    ]);
  });

  it('runs on real elapsed time through both copies when the hour is * or a step', () => {
    expect(fires('0 */30 * * * *', 'America/New_York', '2026-11-01T04:00:00Z', 6)).toEqual([
      '2026-11-01T04:30:00Z', // 00:30 EDT
      '2026-11-01T05:00:00Z', // 01:00 EDT
      '2026-11-01T05:30:00Z', // 01:30 EDT
      '2026-11-01T06:00:00Z', // 01:00 EST
      '2026-11-01T06:30:00Z', // 01:30 EST
      '2026-11-01T07:00:00Z', // 02:00 EST
    ]);
    expect(fires('0 30 1/2 * * *', 'America/New_York', '2026-11-01T04:00:00Z', 3)).toEqual([
      '2026-11-01T05:30:00Z', // 01:30 EDT
      '2026-11-01T06:30:00Z', // 01:30 EST
      '2026-11-01T08:30:00Z', // 03:30 EST
    ]);
  });

  it('never fires twice when shifted gap times meet real ones', () => {
    expect(fires('0 */15 * * * *', 'America/New_York', '2026-03-08T06:30:00Z', 6)).toEqual([
      '2026-03-08T06:45:00Z', // 01:45 EST
      '2026-03-08T07:00:00Z', // 03:00 EDT (02:00 shifted, and 03:00 itself)
      '2026-03-08T07:15:00Z',
      '2026-03-08T07:30:00Z',
      '2026-03-08T07:45:00Z',
      '2026-03-08T08:00:00Z', // 04:00 EDT
    ]);
    expect(fires('0 30 * * * *', 'America/New_York', '2026-03-08T05:00:00Z', 4)).toEqual([
      '2026-03-08T05:30:00Z', // 00:30 EST
      '2026-03-08T06:30:00Z', // 01:30 EST
      '2026-03-08T07:30:00Z', // 03:30 EDT
      '2026-03-08T08:30:00Z', // 04:30 EDT
    ]);
  });

  it('iterates every second through the gap without repeats', () => {
    const seconds = parseCronExpression('* * * * * *', 'America/New_York').take(
      120,
      new Date('2026-03-08T06:59:00Z'),
    );
    const gaps = seconds.slice(1).map((date, i) => date.getTime() - (seconds[i]?.getTime() ?? 0));
    expect(new Set(gaps)).toEqual(new Set([1000]));
    expect(seconds[59]?.toISOString()).toBe('2026-03-08T07:00:00.000Z'); // 03:00:00 EDT
  });
});

describe('daylight saving: Europe/London (2026-03-29 01:00 GMT -> 02:00 BST, 2026-10-25 02:00 BST -> 01:00 GMT)', () => {
  it('shifts 01:30 on the spring-forward day to 02:30 BST', () => {
    expect(fires('0 30 1 * * *', 'Europe/London', '2026-03-28T00:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00Z', // 01:30 GMT
      '2026-03-29T01:30:00Z', // 02:30 BST
      '2026-03-30T00:30:00Z', // 01:30 BST
    ]);
  });

  it('fires 01:30 on the fall-back day at 01:30 BST only', () => {
    expect(fires('0 30 1 * * *', 'Europe/London', '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T00:30:00Z', // 01:30 BST
      '2026-10-26T01:30:00Z', // 01:30 GMT
    ]);
  });
});

describe('daylight saving: Australia/Lord_Howe (half-hour shifts)', () => {
  it('shifts 02:15 by the 30-minute gap (2026-10-04 02:00 +10:30 -> 02:30 +11)', () => {
    expect(fires('0 15 2 * * *', 'Australia/Lord_Howe', '2026-10-02T00:00:00Z', 3)).toEqual([
      '2026-10-02T15:45:00Z', // Oct 3 02:15 +10:30
      '2026-10-03T15:45:00Z', // Oct 4 02:45 +11
      '2026-10-04T15:15:00Z', // Oct 5 02:15 +11
    ]);
  });

  it('repeats only 01:30-02:00 when falling back (2026-04-05 02:00 +11 -> 01:30 +10:30)', () => {
    expect(fires('0 45 1 * * *', 'Australia/Lord_Howe', '2026-04-04T00:00:00Z', 2)).toEqual([
      '2026-04-04T14:45:00Z', // Apr 5 01:45 +11
      '2026-04-05T15:15:00Z', // Apr 6 01:45 +10:30
    ]);
    expect(fires('0 15,45 * * * *', 'Australia/Lord_Howe', '2026-04-04T14:00:00Z', 4)).toEqual([
      '2026-04-04T14:15:00Z', // 01:15 +11 (exists once)
      '2026-04-04T14:45:00Z', // 01:45 +11
      '2026-04-04T15:15:00Z', // 01:45 +10:30
      '2026-04-04T15:45:00Z', // 02:15 +10:30
    ]);
  });
});

describe('daylight saving at midnight', () => {
  it('America/Santiago: midnight skipped (2026-09-06 00:00 -04 -> 01:00 -03) fires at 01:00', () => {
    expect(fires('@daily', 'America/Santiago', '2026-09-04T12:00:00Z', 3)).toEqual([
      '2026-09-05T04:00:00Z', // Sep 5 00:00 -04
      '2026-09-06T04:00:00Z', // Sep 6 01:00 -03 (00:00 does not exist)
      '2026-09-07T03:00:00Z', // Sep 7 00:00 -03
    ]);
  });

  it('America/Santiago: 23:00-24:00 repeated (2026-04-05 00:00 -03 -> Apr 4 23:00 -04)', () => {
    expect(fires('0 30 23 * * *', 'America/Santiago', '2026-04-04T12:00:00Z', 2)).toEqual([
      '2026-04-05T02:30:00Z', // Apr 4 23:30 -03, the first copy
      '2026-04-06T03:30:00Z', // Apr 5 23:30 -04
    ]);
    expect(fires('0 30 * * * *', 'America/Santiago', '2026-04-05T02:00:00Z', 3)).toEqual([
      '2026-04-05T02:30:00Z', // Apr 4 23:30 -03
      '2026-04-05T03:30:00Z', // Apr 4 23:30 -04
      '2026-04-05T04:30:00Z', // Apr 5 00:30 -04
    ]);
  });

  it('America/Nuuk: a gap that crosses midnight moves the fire to the next date, in order', () => {
    // 2026-03-28 23:00 -02 -> 2026-03-29 00:00 -01: all of 23:xx on March 28 is skipped.
    expect(fires('0 30 23 * * *', 'America/Nuuk', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00Z', // Mar 27 23:30 -02
      '2026-03-29T01:30:00Z', // Mar 28 23:30 -> Mar 29 00:30 -01
      '2026-03-30T00:30:00Z', // Mar 29 23:30 -01
    ]);
    // Asked from March 29 00:10, March 28's shifted fire is still ahead.
    expect(fires('0 30 23 * * *', 'America/Nuuk', '2026-03-29T01:10:00Z', 1)).toEqual([
      '2026-03-29T01:30:00Z',
    ]);
    // March 28's shifted 23:15 and 23:45 land among March 29's own 00:15 and 00:45.
    expect(fires('0 15,45 0,23 * * *', 'America/Nuuk', '2026-03-28T02:00:00Z', 6)).toEqual([
      '2026-03-28T02:15:00Z', // Mar 28 00:15 -02
      '2026-03-28T02:45:00Z', // Mar 28 00:45 -02
      '2026-03-29T01:15:00Z', // Mar 29 00:15 -01 (= Mar 28 23:15 shifted)
      '2026-03-29T01:45:00Z', // Mar 29 00:45 -01 (= Mar 28 23:45 shifted)
      '2026-03-30T00:15:00Z', // Mar 29 23:15 -01
      '2026-03-30T00:45:00Z', // Mar 29 23:45 -01
    ]);
  });

  it('Pacific/Apia: a whole skipped date (2011-12-30) keeps fires 24 h apart, none doubled', () => {
    expect(fires('0 0 12 * * *', 'Pacific/Apia', '2011-12-28T00:00:00Z', 4)).toEqual([
      '2011-12-28T22:00:00Z', // Dec 28 12:00 -10
      '2011-12-29T22:00:00Z', // Dec 29 12:00 -10
      '2011-12-30T22:00:00Z', // Dec 30 12:00 shifted 24 h = Dec 31 12:00 +14, fired once
      '2011-12-31T22:00:00Z', // Jan 1 12:00 +14
    ]);
  });
});

describe('fire times as seen from inside a transition', () => {
  it('starts from the right copy of a repeated hour', () => {
    // After 01:10 EST (the second copy), 01:30 EDT is in the past: the next is 01:30 EST.
    expect(fires('0 30 * * * *', 'America/New_York', '2026-11-01T06:10:00Z', 1)).toEqual([
      '2026-11-01T06:30:00Z',
    ]);
    // With a fixed hour only the first copy counts, so the next is a day later.
    expect(fires('0 30 1 * * *', 'America/New_York', '2026-11-01T06:10:00Z', 1)).toEqual([
      '2026-11-02T06:30:00Z',
    ]);
  });

  it('between() returns the same fires as take() across a transition', () => {
    const schedule = parseCronExpression('0 */20 0-3 * * *', 'America/New_York');
    const after = new Date('2026-11-01T03:00:00Z');
    const taken = schedule.take(20, after);
    const last = taken.at(-1) ?? after;
    expect(schedule.between(after, last, 100)).toEqual(taken);
  });
});
