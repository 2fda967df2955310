import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  MS_PER_DAY,
  MS_PER_SECOND,
  weekdayOfEpochDay,
} from './civil-calendar.js';
import type { CronFields } from './cron-field.parser.js';
import { type ZoneOffsets, zoneOffsets } from './time-zone.js';

/** See civil-calendar.ts: globals are slow to look up under Jest. */
const { floor, min, clz32 } = Math;
const INFINITY = Number.POSITIVE_INFINITY;

/**
 * How far `next()` looks before answering null: 400 years of local dates past the start or the
 * last fire. The Gregorian calendar repeats every 400 years (146,097 days, a whole number of
 * weeks), so a day pattern that matches no date in 400 years matches none ever; rarer patterns
 * than Feb 29 exist (`0 0 0 * 2 1#5`, a fifth Monday in February, recurs after 28 to 40 years).
 * Iteration skips non-matching months whole, so even the full span costs a few milliseconds.
 */
const SEARCH_DAYS = 146_097 + 2;

/** Fire times stay within years 1-9999, where ISO-8601 strings and `Intl` output are plain. */
const MIN_INSTANT_MS = daysFromCivil(1, 1, 2) * MS_PER_DAY;
const MAX_EPOCH_DAY = daysFromCivil(9999, 12, 31);

/** Shared, because creating a typed array costs microseconds and `next()` starts empty. */
const NO_INSTANTS = new Float64Array(0);

/** Slow (transition) dates kept per schedule; `* * * * * *` makes ~90k instants for one. */
const CACHED_SLOW_DAYS = 8;

function bitsOf(values: readonly number[], shift = 0): number {
  let bits = 0;
  for (const value of values) bits |= 1 << (value - shift);
  return bits;
}

/** For each value v, the index of the first element of `sorted` that is >= v. */
function firstIndexAtLeast(sorted: readonly number[], size: number): Uint8Array {
  const table = new Uint8Array(size + 1);
  let index = 0;
  for (let value = 0; value <= size; value++) {
    while (index < sorted.length && (sorted[index] ?? 0) < value) index++;
    table[value] = index;
  }
  return table;
}

function checkDate(date: Date, name: string): number {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(time)) throw new RangeError(`${name} must be a valid Date`);
  return time;
}

function checkCount(count: number, name: string): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${count}`);
  }
}

/**
 * A validated CRON expression bound to an IANA time zone, which answers "when does it fire?".
 *
 * Fire times are computed here from the field sets, not by cron-parser's iterator, so that the
 * daylight-saving rules of the brief (RFC 5545) hold in every zone:
 * - a wall time that exists once fires at that instant;
 * - a wall time skipped by a forward transition fires shifted forward by the gap length (it is
 *   read with the offset in force before the transition: New York 02:30 -> 03:30 EDT);
 * - a wall time that occurs twice fires at its first occurrence only, unless the hour field is
 *   `*` or a step, which means "real elapsed time": then both occurrences fire;
 * - equal instants (a shifted time meeting a real one) fire once; output strictly increases.
 * The host's `TZ` plays no part: offsets come from `Intl` with an explicit zone.
 */
export class CronSchedule {
  readonly expression: string;
  /** The hour field is `*` or contains a step; see the class comment for its DST meaning. */
  readonly hourIsWildcardOrStep: boolean;

  private readonly zone: ZoneOffsets;
  private readonly seconds: readonly number[];
  private readonly minutes: readonly number[];
  private readonly hours: readonly number[];
  private readonly secondIndex: Uint8Array;
  private readonly minuteIndex: Uint8Array;
  private readonly hourIndex: Uint8Array;
  /** Bit m set when month m (1-12) matches. */
  private readonly monthBits: number;
  /** Bit d-1 set when day-of-month d matches. */
  private readonly dayOfMonthBits: number;
  private readonly lastDayOfMonth: boolean;
  /** Bit w set when weekday w (0 = Sunday) matches; likewise for `wL`. */
  private readonly weekdayBits: number;
  private readonly lastWeekdayBits: number;
  /** Per weekday, bit k-1 set for `w#k`. */
  private readonly nthWeekdayBits: readonly number[];
  private readonly dayOfMonthRestricted: boolean;
  private readonly dayOfWeekRestricted: boolean;
  private readonly slowDays = new Map<number, Float64Array>();
  private monthCache = { year: Number.NaN, month: Number.NaN, days: 0 };

  /** Prefer `parseCronExpression`, which validates the expression and the zone together. */
  constructor(
    fields: CronFields,
    readonly timeZone: string,
  ) {
    this.expression = fields.expression;
    this.hourIsWildcardOrStep = fields.hourIsWildcardOrStep;
    this.zone = zoneOffsets(timeZone);
    this.seconds = fields.seconds;
    this.minutes = fields.minutes;
    this.hours = fields.hours;
    this.secondIndex = firstIndexAtLeast(fields.seconds, 60);
    this.minuteIndex = firstIndexAtLeast(fields.minutes, 60);
    this.hourIndex = firstIndexAtLeast(fields.hours, 24);
    this.monthBits = bitsOf(fields.months);
    this.dayOfMonthBits = bitsOf(fields.daysOfMonth, 1);
    this.lastDayOfMonth = fields.lastDayOfMonth;
    this.weekdayBits = bitsOf(fields.daysOfWeek);
    this.lastWeekdayBits = bitsOf(fields.lastWeekdaysOfMonth);
    const nth = [0, 0, 0, 0, 0, 0, 0];
    for (const { weekday, nth: k } of fields.nthWeekdaysOfMonth) {
      nth[weekday] = (nth[weekday] ?? 0) | (1 << (k - 1));
    }
    this.nthWeekdayBits = nth;
    this.dayOfMonthRestricted = fields.dayOfMonthRestricted;
    this.dayOfWeekRestricted = fields.dayOfWeekRestricted;
  }

  /** The first fire strictly after `after`, or null if none within the search bound. */
  next(after: Date): Date | null {
    const first = this.instants(checkDate(after, 'after'), INFINITY).next();
    return first.done === true ? null : new Date(first.value);
  }

  /** The first `count` fires strictly after `after` (fewer only at the search bound). */
  take(count: number, after: Date): Date[] {
    checkCount(count, 'count');
    const result: Date[] = [];
    if (count === 0) return result;
    for (const instant of this.instants(checkDate(after, 'after'), INFINITY)) {
      result.push(new Date(instant));
      if (result.length >= count) break;
    }
    return result;
  }

  /** Fires in (`afterExclusive`, `untilInclusive`], ascending, at most `limit` of them. */
  between(afterExclusive: Date, untilInclusive: Date, limit: number): Date[] {
    checkCount(limit, 'limit');
    const after = checkDate(afterExclusive, 'afterExclusive');
    const until = checkDate(untilInclusive, 'untilInclusive');
    const result: Date[] = [];
    if (limit === 0 || until <= after) return result;
    for (const instant of this.instants(after, until)) {
      result.push(new Date(instant));
      if (result.length >= limit) break;
    }
    return result;
  }

  /**
   * Fire instants (ms) in (afterMs, untilMs], strictly increasing.
   *
   * Walks local dates from the day before `afterMs`'s local date (a gap-shifted fire of that
   * day may land after `afterMs`). Most dates are "plain": one offset maps all their wall times,
   * and times are produced lazily in order, so `* * * * * *` costs a few operations per fire.
   * Dates near a transition are computed whole, sorted and merged through `pending`, because
   * their fires need not follow wall-clock order (fall-back copies, a gap shift that lands on
   * the next date after that date's own early fires).
   */
  private *instants(afterMs: number, untilMs: number): Generator<number, void, undefined> {
    if (afterMs < MIN_INSTANT_MS) throw new RangeError('after must be in year 1 or later');
    let epochDay = floor((afterMs + this.zone.offsetAt(afterMs)) / MS_PER_DAY) - 1;
    let lastDay = min(epochDay + SEARCH_DAYS, MAX_EPOCH_DAY);
    let { year, month, day } = civilFromDays(epochDay);
    let last = afterMs;
    let pending: Float64Array = NO_INSTANTS;
    let pendingIndex = 0;

    while (epochDay <= lastDay) {
      // Offsets stay within +-24 h, so no fire of this or a later date is before this bound.
      const earliestPossible = (epochDay - 1) * MS_PER_DAY;
      while (pendingIndex < pending.length && (pending[pendingIndex] ?? 0) < earliestPossible) {
        const instant = pending[pendingIndex++] ?? 0;
        if (instant > untilMs) return;
        if (instant > last) {
          yield instant;
          last = instant;
          lastDay = min(epochDay + SEARCH_DAYS, MAX_EPOCH_DAY);
        }
      }
      if (earliestPossible > untilMs) break;

      const monthLength = daysInMonth(year, month);
      const remaining = (this.monthBits & (1 << month)) === 0 ? 0 : this.daysMatching(year, month);
      const fromToday = remaining >>> (day - 1);
      if (fromToday === 0) {
        epochDay += monthLength - day + 1;
        day = 1;
        month = month === 12 ? 1 : month + 1;
        if (month === 1) year++;
        continue;
      }
      const skip = 31 - clz32(fromToday & -fromToday);
      epochDay += skip;
      day += skip;

      const offset = this.zone.uniformOffsetForLocalDay(epochDay);
      if (offset === undefined) {
        pending = merge(pending, pendingIndex, this.slowDayInstants(epochDay), last);
        pendingIndex = 0;
      } else {
        const dayStart = epochDay * MS_PER_DAY - offset;
        const fromSecond = last < dayStart ? 0 : floor((last - dayStart) / MS_PER_SECOND) + 1;
        if (fromSecond < 86_400) {
          const firstHour = floor(fromSecond / 3600);
          const firstMinute = floor((fromSecond % 3600) / 60);
          const firstSecond = fromSecond % 60;
          for (let h = this.hourIndex[firstHour] ?? 24; h < this.hours.length; h++) {
            const hour = this.hours[h] ?? 0;
            const minuteFrom = hour === firstHour ? firstMinute : 0;
            for (let m = this.minuteIndex[minuteFrom] ?? 60; m < this.minutes.length; m++) {
              const minute = this.minutes[m] ?? 0;
              const secondFrom = hour === firstHour && minute === firstMinute ? firstSecond : 0;
              for (let s = this.secondIndex[secondFrom] ?? 60; s < this.seconds.length; s++) {
                const instant =
                  dayStart + ((hour * 60 + minute) * 60 + (this.seconds[s] ?? 0)) * MS_PER_SECOND;
                while (pendingIndex < pending.length && (pending[pendingIndex] ?? 0) <= instant) {
                  const earlier = pending[pendingIndex++] ?? 0;
                  if (earlier > untilMs) return;
                  if (earlier > last) {
                    yield earlier;
                    last = earlier;
                  }
                }
                // Later dates of a plain date all fire after it, so past `untilMs` we are done.
                if (instant > untilMs) return;
                if (instant > last) {
                  yield instant;
                  last = instant;
                  lastDay = min(epochDay + SEARCH_DAYS, MAX_EPOCH_DAY);
                }
              }
            }
          }
        }
      }

      epochDay++;
      day++;
      if (day > monthLength) {
        day = 1;
        month = month === 12 ? 1 : month + 1;
        if (month === 1) year++;
      }
    }

    for (; pendingIndex < pending.length; pendingIndex++) {
      const instant = pending[pendingIndex] ?? 0;
      if (instant > untilMs) return;
      if (instant > last) {
        yield instant;
        last = instant;
      }
    }
  }

  /** Bit d-1 set for each day d of the month that the day fields accept. */
  private daysMatching(year: number, month: number): number {
    const cache = this.monthCache;
    if (cache.year === year && cache.month === month) return cache.days;
    const length = daysInMonth(year, month);
    const all = length === 31 ? 0x7fffffff : (1 << length) - 1;
    let byDayOfMonth = this.dayOfMonthBits & all;
    if (this.lastDayOfMonth) byDayOfMonth |= 1 << (length - 1);
    let byDayOfWeek = 0;
    const firstWeekday = weekdayOfEpochDay(daysFromCivil(year, month, 1));
    for (let day = 1; day <= length; day++) {
      const weekday = (firstWeekday + day - 1) % 7;
      const bit = 1 << weekday;
      if (
        (this.weekdayBits & bit) !== 0 ||
        ((this.lastWeekdayBits & bit) !== 0 && day + 7 > length) ||
        ((this.nthWeekdayBits[weekday] ?? 0) & (1 << floor((day - 1) / 7))) !== 0
      ) {
        byDayOfWeek |= 1 << (day - 1);
      }
    }
    let days: number;
    if (this.dayOfMonthRestricted && this.dayOfWeekRestricted) days = byDayOfMonth | byDayOfWeek;
    else if (this.dayOfMonthRestricted) days = byDayOfMonth;
    else if (this.dayOfWeekRestricted) days = byDayOfWeek;
    else days = all;
    this.monthCache = { year, month, days };
    return days;
  }

  /**
   * All fire instants of a local date near an offset transition, sorted and deduplicated.
   * Each wall time is tried against every offset of the date's window: a candidate is valid
   * when that offset is the one in force at the candidate instant.
   */
  private slowDayInstants(epochDay: number): Float64Array {
    const cached = this.slowDays.get(epochDay);
    if (cached !== undefined) return cached;
    const { initial, transitions } = this.zone.offsetsForLocalDay(epochDay);
    // Piece i runs from transition i-1 to transition i, with its own offset.
    const offsets = [initial, ...transitions.map((transition) => transition.after)];
    const starts = [-INFINITY, ...transitions.map((transition) => transition.at)];
    const ends = [...transitions.map((transition) => transition.at), INFINITY];
    const copies = this.hourIsWildcardOrStep ? offsets.length : 1;
    const instants = new Float64Array(
      this.hours.length * this.minutes.length * this.seconds.length * copies,
    );
    let count = 0;
    let inOrder = true;
    const dayWall = epochDay * MS_PER_DAY;
    for (const hour of this.hours) {
      for (const minute of this.minutes) {
        for (const second of this.seconds) {
          const wall = dayWall + ((hour * 60 + minute) * 60 + second) * MS_PER_SECOND;
          const before = count;
          for (let piece = 0; piece < offsets.length; piece++) {
            const candidate = wall - (offsets[piece] ?? 0);
            if (candidate >= (starts[piece] ?? 0) && candidate < (ends[piece] ?? 0)) {
              instants[count++] = candidate;
              // Pieces are in time order, so the first valid candidate is the first occurrence.
              if (!this.hourIsWildcardOrStep) break;
            }
          }
          if (count === before) {
            // In a gap: read the wall time with the offset before the transition that skipped it.
            let offsetBefore = initial;
            for (const transition of transitions) {
              if (transition.at + transition.before <= wall) offsetBefore = transition.before;
            }
            instants[count++] = wall - offsetBefore;
          }
          if (before > 0 && (instants[before] ?? 0) < (instants[before - 1] ?? 0)) inOrder = false;
        }
      }
    }
    // Fall-back copies and gap shifts break wall-clock order; a typed-array sort is numeric.
    const sortedInstants = inOrder
      ? instants.subarray(0, count)
      : instants.subarray(0, count).sort();
    let unique = 0;
    for (let i = 0; i < sortedInstants.length; i++) {
      const instant = sortedInstants[i] ?? 0;
      if (unique === 0 || instant !== sortedInstants[unique - 1])
        sortedInstants[unique++] = instant;
    }
    const result = sortedInstants.subarray(0, unique);
    if (this.slowDays.size >= CACHED_SLOW_DAYS) {
      const oldest = this.slowDays.keys().next();
      if (oldest.done !== true) this.slowDays.delete(oldest.value);
    }
    this.slowDays.set(epochDay, result);
    return result;
  }
}

/** The sorted union of `pending[from..]` and `next`, without anything at or before `floor`. */
function merge(
  pending: Float64Array,
  from: number,
  next: Float64Array,
  floor: number,
): Float64Array {
  const merged = new Float64Array(pending.length - from + next.length);
  let count = 0;
  let i = from;
  let j = 0;
  while (i < pending.length || j < next.length) {
    const a = i < pending.length ? (pending[i] ?? 0) : INFINITY;
    const b = j < next.length ? (next[j] ?? 0) : INFINITY;
    const value = a <= b ? a : b;
    if (a <= b) i++;
    else j++;
    if (value > floor && (count === 0 || merged[count - 1] !== value)) merged[count++] = value;
  }
  return merged.subarray(0, count);
}
