import { daysFromCivil, MS_PER_DAY, MS_PER_SECOND } from './civil-calendar.js';
import { UnknownTimeZoneError } from './unknown-time-zone.error.js';

/**
 * Time-zone offsets from the runtime's `Intl` (ICU) data, never from the host's `TZ`.
 *
 * An offset is "local wall time minus UTC" in milliseconds. Asking `Intl` costs about 1.5 us a
 * call (`format`; `formatToParts` measured 5 us), too slow to ask once per fire time, so each
 * zone caches the offset at every UTC midnight it has been asked about and, for the rare days
 * whose two midnights disagree, the exact transition instants found by bisection
 * (about 17 calls each, to the second).
 *
 * Assumption, documented because the property tests rely on it: no zone changes its offset and
 * changes it back within one UTC day, so equal offsets at two consecutive midnights mean no
 * transition in between. Checked for every zone over 1970-2039 by sampling each such day every
 * 3 hours: no zone does (the closest pairs, Morocco's Ramadan suspensions, are weeks apart).
 */

/** See civil-calendar.ts: globals are slow to look up under Jest. */
const { floor } = Math;
const INFINITY = Number.POSITIVE_INFINITY;

/** One offset change: from `at` (an instant, ms) onwards the offset is `after` instead of `before`. */
export interface OffsetTransition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/** The offsets that may apply to the wall times of one local calendar date. */
export interface LocalDayOffsets {
  /** Offset in force at the start of the window, before the first transition. */
  readonly initial: number;
  /** Transitions in the window, ascending; empty when `initial` applies to the whole date. */
  readonly transitions: readonly OffsetTransition[];
}

/**
 * Zone names as IANA spells them: `UTC`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`,
 * `EST5EDT`. Checked before `Intl` because newer V8 versions also accept UTC offsets such as
 * `+05:00`, which are not IANA zones and have no daylight-saving rules.
 */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** A day's cache entries cost ~100 bytes; 100k days (~270 years) per zone bounds memory. */
const MAX_CACHED_DAYS = 100_000;

export class ZoneOffsets {
  private readonly formatter: Intl.DateTimeFormat;
  private readonly midnightOffsets = new Map<number, number>();
  private readonly dayTransitions = new Map<number, readonly OffsetTransition[]>();
  /** Per local date: its single offset, or null when it meets a transition. */
  private readonly localDayOffsets = new Map<number, number | null>();

  constructor(readonly timeZone: string) {
    // en-US with h23 prints "1/31/2026, 23:05:09": digits only, hour never "24".
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The offset in force at an instant, asked from `Intl` (uncached). */
  offsetAtUncached(instantMs: number): number {
    const wholeSecond = floor(instantMs / MS_PER_SECOND) * MS_PER_SECOND;
    const text = this.formatter.format(wholeSecond);
    // Read the six numbers month, day, year, hour, minute, second in order, whatever separates them.
    const numbers = [0, 0, 0, 0, 0, 0];
    let index = 0;
    let inNumber = false;
    for (let i = 0; i < text.length && index < 6; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit >= 0 && digit <= 9) {
        numbers[index] = (numbers[index] ?? 0) * 10 + digit;
        inNumber = true;
      } else if (inNumber) {
        index++;
        inNumber = false;
      }
    }
    const [month = 1, day = 1, year = 1970, hour = 0, minute = 0, second = 0] = numbers;
    const wallMs =
      daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000;
    return wallMs - wholeSecond;
  }

  /** The offset in force at 00:00:00Z of an epoch day. */
  offsetAtMidnight(epochDay: number): number {
    let offset = this.midnightOffsets.get(epochDay);
    if (offset === undefined) {
      if (this.midnightOffsets.size >= MAX_CACHED_DAYS) this.clearCaches();
      offset = this.offsetAtUncached(epochDay * MS_PER_DAY);
      this.midnightOffsets.set(epochDay, offset);
    }
    return offset;
  }

  /** Transitions in [epochDay 00:00Z, epochDay + 1 00:00Z), ascending. */
  transitionsOnDay(epochDay: number): readonly OffsetTransition[] {
    let transitions = this.dayTransitions.get(epochDay);
    if (transitions === undefined) {
      const start = this.offsetAtMidnight(epochDay);
      const end = this.offsetAtMidnight(epochDay + 1);
      const found: OffsetTransition[] = [];
      if (start !== end) {
        this.bisect(epochDay * MS_PER_DAY, (epochDay + 1) * MS_PER_DAY, start, end, found);
      }
      transitions = found;
      this.dayTransitions.set(epochDay, transitions);
    }
    return transitions;
  }

  /** The offset in force at an instant, from the day caches. */
  offsetAt(instantMs: number): number {
    const epochDay = floor(instantMs / MS_PER_DAY);
    let offset = this.offsetAtMidnight(epochDay);
    for (const transition of this.transitionsOnDay(epochDay)) {
      if (instantMs >= transition.at) offset = transition.after;
    }
    return offset;
  }

  /**
   * The single offset that maps every wall time of local date `localEpochDay`, or `undefined`
   * when the date meets a transition. A local date spans at most the UTC days before, of and
   * after its own number (offsets stay within +-24 h); with no transition there it is plain.
   * With one, the date is still plain if all its wall times fall on one side of the transition's
   * wall-clock interval (the skipped or repeated hour), so only the date that contains that
   * interval takes the slow path, not its neighbours.
   */
  uniformOffsetForLocalDay(localEpochDay: number): number | undefined {
    let offset = this.localDayOffsets.get(localEpochDay);
    if (offset === undefined) {
      if (this.localDayOffsets.size >= MAX_CACHED_DAYS) this.clearCaches();
      offset = this.computeUniformOffset(localEpochDay);
      this.localDayOffsets.set(localEpochDay, offset);
    }
    return offset ?? undefined;
  }

  /** Every offset that can apply to the wall times of local date `localEpochDay`. */
  offsetsForLocalDay(localEpochDay: number): LocalDayOffsets {
    return {
      initial: this.offsetAtMidnight(localEpochDay - 1),
      transitions: [
        ...this.transitionsOnDay(localEpochDay - 1),
        ...this.transitionsOnDay(localEpochDay),
        ...this.transitionsOnDay(localEpochDay + 1),
      ],
    };
  }

  /** See {@link uniformOffsetForLocalDay}; null when the date needs the slow path. */
  private computeUniformOffset(localEpochDay: number): number | null {
    const { initial, transitions } = this.offsetsForLocalDay(localEpochDay);
    if (transitions.length === 0) return initial;
    // Piece i (between transitions i-1 and i) maps the wall times [start + offset, end + offset).
    const dayStart = localEpochDay * MS_PER_DAY;
    const dayEnd = dayStart + MS_PER_DAY;
    let uniform: number | null = null;
    for (let piece = 0; piece <= transitions.length; piece++) {
      const offset = piece === 0 ? initial : (transitions[piece - 1]?.after ?? initial);
      const wallStart = piece === 0 ? -INFINITY : (transitions[piece - 1]?.at ?? 0) + offset;
      const wallEnd =
        piece === transitions.length ? INFINITY : (transitions[piece]?.at ?? 0) + offset;
      if (wallStart >= dayEnd || wallEnd <= dayStart) continue;
      if (wallStart > dayStart || wallEnd < dayEnd || uniform !== null) return null;
      uniform = offset;
    }
    return uniform;
  }

  /** Finds the second at which the offset changes; recursive so that two changes are both found. */
  private bisect(
    low: number,
    high: number,
    lowOffset: number,
    highOffset: number,
    found: OffsetTransition[],
  ): void {
    if (lowOffset === highOffset) return;
    if (high - low <= MS_PER_SECOND) {
      found.push({ at: high, before: lowOffset, after: highOffset });
      return;
    }
    const middle = low + floor((high - low) / 2 / MS_PER_SECOND) * MS_PER_SECOND;
    const middleOffset = this.offsetAtUncached(middle);
    this.bisect(low, middle, lowOffset, middleOffset, found);
    this.bisect(middle, high, middleOffset, highOffset, found);
  }

  private clearCaches(): void {
    this.midnightOffsets.clear();
    this.dayTransitions.clear();
    this.localDayOffsets.clear();
  }
}

/** Valid zones only: garbage names never enter the map, so it is bounded by the IANA list. */
const zones = new Map<string, ZoneOffsets>();

function lookUpZone(timeZone: string): ZoneOffsets | undefined {
  const known = zones.get(timeZone);
  if (known !== undefined) return known;
  if (!IANA_NAME.test(timeZone)) return undefined;
  let zone: ZoneOffsets;
  try {
    zone = new ZoneOffsets(timeZone);
  } catch (error) {
    // Intl signals an unknown zone with a RangeError; anything else is a real fault.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  zones.set(timeZone, zone);
  return zone;
}

/**
 * Whether `timeZone` is an IANA zone name that this runtime knows: canonical names and links
 * (`Asia/Calcutta`, `US/Eastern`) alike, as `Intl` accepts them (ICU matches names
 * case-insensitively). UTC offsets (`+05:00`), blank or padded strings are not zones.
 */
export function isValidTimeZone(timeZone: unknown): timeZone is string {
  return typeof timeZone === 'string' && lookUpZone(timeZone) !== undefined;
}

/** Throws {@link UnknownTimeZoneError} (reported against `field`) unless `timeZone` is valid. */
export function assertValidTimeZone(timeZone: string, field = 'timezone'): void {
  if (!isValidTimeZone(timeZone)) throw new UnknownTimeZoneError(timeZone, field);
}

/** The offset source of a zone; throws {@link UnknownTimeZoneError} for an unknown one. */
export function zoneOffsets(timeZone: string, field = 'timezone'): ZoneOffsets {
  const zone = lookUpZone(timeZone);
  if (zone === undefined) throw new UnknownTimeZoneError(timeZone, field);
  return zone;
}
