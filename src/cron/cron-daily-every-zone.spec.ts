import { describe, expect, it } from '@jest/globals';

import { parseCronExpression } from './cron-expression.js';

/*
 * The brief's property: a fixed-time daily expression fires exactly once for every local
 * calendar date, in every IANA zone. Over 2026-2027 (730 local dates) and for times chosen to
 * fall in gaps (02:00, 02:30, 00:00 in midnight-transition zones, 23:30 where a gap crosses
 * midnight), in overlaps (01:30, 00:30, 23:30) and away from both (12:00, 23:59:59):
 * - exactly 730 fires belong to the span, one per date, strictly increasing;
 * - consecutive fires are 22 to 26 hours apart;
 * - each fire reads, on an independent `Intl` formatter, as its own date at the given time, or
 *   as a gap-shifted fire: later by exactly the offset change it crossed (so possibly early on
 *   the next date);
 * - where an offset fell back in the 3 hours before a fire, the earlier copy of the wall time
 *   did not exist (the fire is the first occurrence).
 */

const ZONES = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
const TIMES = [
  '00:00:00',
  '00:30:00',
  '01:30:00',
  '02:00:00',
  '02:30:00',
  '12:00:00',
  '23:30:00',
  '23:59:59',
];
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SPAN_START = Date.UTC(2026, 0, 1);
const DATE_COUNT = 730;
const SPAN_DATES = Array.from({ length: DATE_COUNT }, (_, i) =>
  new Date(SPAN_START + i * DAY_MS).toISOString().slice(0, 10),
);

/** "YYYY-MM-DD HH:MM:SS" in the zone, from a formatter the code under test does not use. */
function localReader(timeZone: string): (instant: number) => string {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (instant) => format.format(instant);
}

/** Reads a local "YYYY-MM-DD HH:MM:SS" as if it were UTC, to do wall-clock arithmetic. */
function wallMs(local: string): number {
  return Date.parse(`${local.replace(' ', 'T')}Z`);
}

function previousDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** Violations of the property for one zone and time; empty when it holds. */
function violations(timeZone: string, time: string): string[] {
  const [hour, minute, second] = time.split(':');
  const expression = `${Number(second)} ${Number(minute)} ${Number(hour)} * * *`;
  const schedule = parseCronExpression(expression, timeZone);
  const fires = schedule
    .between(
      new Date(SPAN_START - 2 * DAY_MS),
      new Date(SPAN_START + (DATE_COUNT + 2) * DAY_MS),
      2000,
    )
    .map((date) => date.getTime());
  const read = localReader(timeZone);
  const offsetAt = (instant: number) => wallMs(read(instant)) - instant;
  const problems: string[] = [];
  const owners = new Map<string, number>();
  let previous: number | undefined;

  for (const fire of fires) {
    const at = () => `${timeZone} ${time}: fire ${new Date(fire).toISOString()}`;
    const local = read(fire);
    let owner = local.slice(0, 10);
    if (local.slice(11) !== time) {
      // Gap-shifted: the wall time is later than asked by exactly the offset change crossed.
      owner = local.slice(11) > time ? owner : previousDate(owner);
      const shift = wallMs(local) - wallMs(`${owner} ${time}`);
      if (
        !(shift > 0 && shift <= 3 * HOUR_MS) ||
        offsetAt(fire) - offsetAt(fire - shift) !== shift
      ) {
        problems.push(`${at()} reads ${local}, not a gap shift of ${owner} ${time}`);
      }
    }
    if (previous !== undefined) {
      const spacing = fire - previous;
      if (spacing <= 0) problems.push(`${at()} does not increase`);
      if (spacing < 22 * HOUR_MS || spacing > 26 * HOUR_MS) {
        problems.push(`${at()} is ${spacing / HOUR_MS} h after the previous fire`);
      }
      if (spacing !== DAY_MS) {
        // Near a transition: if the offset fell back within 3 h, the earlier copy must not exist.
        const fallBack = offsetAt(fire - 3 * HOUR_MS) - offsetAt(fire);
        if (fallBack > 0 && read(fire - fallBack) === local) {
          problems.push(`${at()} is the second occurrence of ${local}`);
        }
      }
    }
    previous = fire;
    owners.set(owner, (owners.get(owner) ?? 0) + 1);
  }

  for (const date of SPAN_DATES) {
    const count = owners.get(date) ?? 0;
    if (count !== 1) problems.push(`${timeZone} ${time}: ${date} has ${count} fires`);
  }
  return problems;
}

describe('a fixed-time daily expression fires once per local date in every IANA zone', () => {
  it('covers every zone the runtime knows, and UTC', () => {
    expect(ZONES.length).toBeGreaterThan(400);
    expect(localReader('Asia/Kolkata')(Date.UTC(2026, 0, 1))).toBe('2026-01-01 05:30:00');
  });

  it.each(TIMES)('daily at %s, 2026-01-01 to 2027-12-31', (time) => {
    const problems = ZONES.flatMap((zone) => violations(zone, time));
    expect(problems.slice(0, 20)).toEqual([]);
  });
});
