import { describe, expect, it } from '@jest/globals';
import { CronExpressionParser } from 'cron-parser';

import { parseCronExpression } from './cron-expression.js';

/*
 * Randomised cross-checks, seeded so that a failure reproduces:
 * - in UTC (no transitions) our fire times equal cron-parser's own iterator's, for expressions
 *   both accept: an independent oracle for field matching, L, nL, n#k and the day-field OR;
 * - in zones with transitions, take(), chained next() and between() agree from any start,
 *   including starts inside skipped and repeated hours.
 */

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function expressionGenerator(random: () => number): () => string {
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const field = (min: number, max: number, kind?: 'dayOfMonth' | 'dayOfWeek'): string => {
    const roll = random();
    if (roll < 0.25) return '*';
    if (roll < 0.45) return String(int(min, max));
    const start = int(min, max);
    if (roll < 0.6) return `${start}-${int(start, max)}`;
    if (roll < 0.7) return `*/${int(1, Math.max(1, Math.floor((max - min) / 2)))}`;
    if (roll < 0.8) return `${start}-${int(start, max)}/${int(1, 5)}`;
    if (roll < 0.9) return [...new Set([start, int(min, max), int(min, max)])].join(',');
    if (kind === 'dayOfMonth') return ['L', '1,L', '15,L'][int(0, 2)] ?? 'L';
    if (kind === 'dayOfWeek') return random() < 0.5 ? `${int(0, 6)}L` : `${int(0, 6)}#${int(1, 5)}`;
    return String(start);
  };
  return () =>
    [
      field(0, 59),
      field(0, 59),
      field(0, 23),
      field(1, 31, 'dayOfMonth'),
      field(1, 12),
      field(0, 6, 'dayOfWeek'),
    ].join(' ');
}

describe('fire times agree with independent computations', () => {
  it('equal cron-parser in UTC for 400 random expressions', () => {
    const random = seededRandom(20_260_101);
    const nextExpression = expressionGenerator(random);
    const mismatches: string[] = [];
    for (let i = 0; i < 400; i++) {
      const expression = nextExpression();
      const from = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 40 * 86_400) * 1000);
      const ours = parseCronExpression(expression, 'UTC')
        .take(15, from)
        .map((date) => date.toISOString());
      const iterator = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: from });
      const theirs = Array.from({ length: 15 }, () => iterator.next().toISOString());
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        mismatches.push(`${expression} after ${from.toISOString()}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('agree between take(), next() and between() from any start near transitions', () => {
    const random = seededRandom(7);
    const expressions = [
      '0 */30 * * * *',
      '0 30 1,2 * * *',
      '0 0,30 0-3 * * *',
      '15 */10 1-2 * * *',
      '*/45 * 0-2 * * *',
      '0 0 0,23 * * *',
      '0 15,45 0,23 * * *',
    ];
    // [zone, a transition instant] for gaps, overlaps, midnight and half-hour shifts.
    const transitions: readonly (readonly [string, string])[] = [
      ['America/New_York', '2026-03-08T07:00:00Z'],
      ['America/New_York', '2026-11-01T06:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
      ['America/Santiago', '2026-04-05T03:00:00Z'],
      ['America/Santiago', '2026-09-06T04:00:00Z'],
      ['America/Nuuk', '2026-03-29T01:00:00Z'],
    ];
    const problems: string[] = [];
    for (const [timeZone, instant] of transitions) {
      for (const expression of expressions) {
        const schedule = parseCronExpression(expression, timeZone);
        const from = new Date(Date.parse(instant) + Math.floor((random() - 0.5) * 6 * 3600) * 1000);
        const taken = schedule.take(12, from).map((date) => date.getTime());
        const chained: number[] = [];
        let cursor: Date | null = from;
        while (chained.length < 12 && cursor !== null) {
          cursor = schedule.next(cursor);
          if (cursor !== null) chained.push(cursor.getTime());
        }
        const last = new Date(taken.at(-1) ?? from.getTime());
        const between = schedule.between(from, last, 100).map((date) => date.getTime());
        const justBefore = taken.map((fire) => schedule.next(new Date(fire - 1))?.getTime());
        const at = `${expression} in ${timeZone} after ${from.toISOString()}`;
        if (taken.some((fire, i) => i > 0 && fire <= (taken[i - 1] ?? 0))) {
          problems.push(`${at}: take() not strictly increasing`);
        }
        if (JSON.stringify(chained) !== JSON.stringify(taken)) problems.push(`${at}: next() chain`);
        if (JSON.stringify(between) !== JSON.stringify(taken)) problems.push(`${at}: between()`);
        if (JSON.stringify(justBefore) !== JSON.stringify(taken))
          problems.push(`${at}: next(f-1ms)`);
      }
    }
    expect(problems).toEqual([]);
  });
});
