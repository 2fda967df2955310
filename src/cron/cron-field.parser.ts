import { CronExpressionParser } from 'cron-parser';

import { maxDaysInMonth } from './civil-calendar.js';
import { InvalidCronExpressionError } from './invalid-cron-expression.error.js';

/**
 * Turns the text of a CRON expression into the sets of values each field allows.
 *
 * Validation is ours, item by item, so that every rejection says exactly what is wrong (the
 * library's messages are terse: "Constraint error, got value 60 expected range 0-59").
 * Expansion of each validated item (ranges, steps, `L`, `nL`, `n#k`) is cron-parser's; items
 * are expanded one at a time and united here, which corrects two of its limits:
 * - it rejects a list whose items overlap ("duplicate values found"), so `0,7` (Sunday written
 *   both ways), `1-5,3` or `MON-FRI,WED` would fail although classic cron accepts them;
 * - it keeps a single `n#k` per field, so `1#1,1#3` (first and third Monday) could not be said.
 */

/** Everything the fire-time computation needs, as plain sorted sets. */
export interface CronFields {
  /** The six-field form: macros expanded, five fields given second 0, single spaces, upper case. */
  readonly expression: string;
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** 1-31 */
  readonly daysOfMonth: readonly number[];
  /** `L` */
  readonly lastDayOfMonth: boolean;
  /** 1-12 */
  readonly months: readonly number[];
  /** 0-6, Sunday 0 (a 7 in the expression is read as 0). */
  readonly daysOfWeek: readonly number[];
  /** Weekdays n of `nL`: the last such weekday of the month. */
  readonly lastWeekdaysOfMonth: readonly number[];
  /** `n#k`: the k-th (1-5) weekday n of the month. */
  readonly nthWeekdaysOfMonth: readonly { readonly weekday: number; readonly nth: number }[];
  /**
   * A day field counts as unrestricted only when it is exactly `*` or `?`. When both are
   * restricted a date matches if either matches (classic cron); `*\/2` counts as restricted
   * (Vixie cron treats any field starting with `*` as unrestricted; the brief says `*`/`?`).
   */
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
  /** The hour field is `*` or contains a step: repeated wall times then fire twice (DST). */
  readonly hourIsWildcardOrStep: boolean;
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Three-letter names, the first standing for `min`. */
  readonly names?: readonly string[];
}

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const SECOND: FieldSpec = { label: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { label: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { label: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { label: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { label: 'month', min: 1, max: 12, names: MONTH_NAMES };
const DAY_OF_WEEK: FieldSpec = { label: 'day-of-week', min: 0, max: 7, names: WEEKDAY_NAMES };
const FIELDS = [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK] as const;

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
  '@minutely': '0 * * * * *',
  '@secondly': '* * * * * *',
};

/** cron-parser's own limit; a longer expression only repeats values. */
const MAX_EXPRESSION_LENGTH = 1024;

const FIELD_COUNT_EXPECTATION =
  'expected 6 fields (second minute hour day-of-month month day-of-week) or 5 (minute hour day-of-month month day-of-week)';

/** `*`, `*\/n`, `a`, `a-b`, `a/n`, `a-b/n`; a value is digits or letters (a name, checked later). */
const RANGE_OR_STEP = /^(?:(\*)|(\d+|[A-Z]+)(?:-(\d+|[A-Z]+))?)(?:\/(\d+))?$/;
const LAST_WEEKDAY = /^(\d+|[A-Z]{3})L$/;
const NTH_WEEKDAY = /^(\d+|[A-Z]+)#(\d+)$/;

/** Thrown inside the parser, turned into an InvalidCronExpressionError at its boundary. */
class Rejection extends Error {}

function reject(reason: string): never {
  throw new Rejection(reason);
}

interface ItemValues {
  readonly values: readonly (number | string)[];
  /** k of `n#k`, 0 otherwise. */
  readonly nth: number;
}

/**
 * cron-parser's expansions by field and item. Each parse costs ~180 us (it builds luxon dates,
 * and luxon asks `Intl` for the host zone each time), 30 times what the rest of parsing costs;
 * items repeat across expressions (`0`, `*`, `1-5`), so a small cache removes nearly all of it.
 */
const itemCache = new Map<string, ItemValues>();
const MAX_CACHED_ITEMS = 2000;

/** The values an item stands for, through cron-parser, for the field at `index` (0-5). */
function expandWithCronParser(index: number, item: string, spec: FieldSpec): ItemValues {
  const key = `${index} ${item}`;
  const cached = itemCache.get(key);
  if (cached !== undefined) return cached;
  const template = ['0', '0', '0', '*', '*', '*'];
  template[index] = item;
  let fields;
  try {
    fields = CronExpressionParser.parse(template.join(' '), { tz: 'UTC' }).fields;
  } catch (error) {
    // Our grammar accepted the item, so this is a disagreement worth seeing verbatim.
    const message = error instanceof Error ? error.message : String(error);
    return reject(`field "${spec.label}" value "${item}" is not valid: ${message}`);
  }
  const field = [
    fields.second,
    fields.minute,
    fields.hour,
    fields.dayOfMonth,
    fields.month,
    fields.dayOfWeek,
  ][index];
  const expanded: ItemValues = {
    values: [...((field?.values ?? []) as readonly (number | string)[])],
    nth: index === 5 ? fields.dayOfWeek.nthDay : 0,
  };
  if (itemCache.size >= MAX_CACHED_ITEMS) itemCache.clear();
  itemCache.set(key, expanded);
  return expanded;
}

function resolveValue(token: string, spec: FieldSpec, isRangeEnd = false): number {
  if (/^\d+$/.test(token)) {
    const value = Number.parseInt(token, 10);
    if (value < spec.min || value > spec.max) {
      reject(`field "${spec.label}" value ${token} is out of range ${spec.min}-${spec.max}`);
    }
    return value;
  }
  if (spec.names === undefined) {
    return reject(
      `field "${spec.label}" value "${token}" is not a number; expected ${spec.min}-${spec.max}`,
    );
  }
  const index = spec.names.indexOf(token);
  if (index < 0) {
    return reject(
      `unknown name "${token}" in ${spec.label}; expected ${spec.names[0]}-${spec.names.at(-1)}`,
    );
  }
  // `FRI-SUN` reads as Friday to Sunday: a range that ends on SUN ends on 7, not 0.
  if (spec === DAY_OF_WEEK && isRangeEnd && index === 0) return 7;
  return spec.min + index;
}

function describeExpected(spec: FieldSpec): string {
  const common = 'a number, "*", a list "a,b", a range "a-b" or a step "*/n", "a/n", "a-b/n"';
  if (spec === DAY_OF_MONTH) return `${common}, "?" or "L"`;
  if (spec === DAY_OF_WEEK) return `${common}, "?", "nL" or "n#k" (names SUN-SAT allowed)`;
  if (spec === MONTH) return `${common} (names JAN-DEC allowed)`;
  return common;
}

/** Validates one list item and returns its spelling for cron-parser (numbers, not names). */
function canonicalItem(item: string, spec: FieldSpec, isWholeField: boolean): string {
  const at = `field "${spec.label}"`;
  if (item === '') reject(`${at} has an empty list item`);
  if (item === '?') {
    if (spec !== DAY_OF_MONTH && spec !== DAY_OF_WEEK) {
      reject(
        `${at} does not accept "?"; it may only stand for a whole day-of-month or day-of-week`,
      );
    }
    if (!isWholeField) reject(`${at} uses "?" inside a list; "?" must be the whole field`);
    return '*';
  }
  for (const letters of item.match(/[A-Z]+/g) ?? []) {
    if (letters === 'H') reject(`${at} uses "H" (hashed values), which is not supported`);
    if (letters === 'W' || letters === 'LW') {
      reject(`${at} uses "W" (nearest weekday), which is not supported`);
    }
    if (letters === 'L' && spec !== DAY_OF_MONTH && spec !== DAY_OF_WEEK) {
      reject(
        `${at} does not accept "L"; it is allowed in day-of-month ("L") and day-of-week ("nL")`,
      );
    }
  }

  if (spec === DAY_OF_MONTH) {
    if (item === 'L') return 'L';
    if (/^L-\d+$/.test(item)) {
      reject(`${at} uses "${item}" (days before the last), which is not supported; use "L"`);
    }
  }
  if (spec === DAY_OF_WEEK) {
    if (item === 'L') {
      reject(`${at} value "L" is not supported; use "nL" for the last weekday n (e.g. "5L")`);
    }
    const last = LAST_WEEKDAY.exec(item);
    if (last?.[1] !== undefined) return `${resolveValue(last[1], spec) % 7}L`;
    const nth = NTH_WEEKDAY.exec(item);
    if (nth?.[1] !== undefined && nth[2] !== undefined) {
      const weekday = resolveValue(nth[1], spec) % 7;
      const occurrence = Number.parseInt(nth[2], 10);
      if (occurrence < 1 || occurrence > 5) {
        reject(`${at} occurrence ${nth[2]} in "${item}" is out of range 1-5`);
      }
      return `${weekday}#${occurrence}`;
    }
  }

  const match = RANGE_OR_STEP.exec(item);
  if (match === null) {
    if (item.includes('#') && spec !== DAY_OF_WEEK) {
      reject(`${at} does not accept "#"; "n#k" is only allowed in day-of-week`);
    }
    return reject(`${at} value "${item}" is not valid; expected ${describeExpected(spec)}`);
  }
  const [, star, startToken, endToken, stepToken] = match;
  // A step longer than the field (`*/61` in minutes) can only mean a mistake; bounding it also
  // keeps huge numbers away from cron-parser, which would print 1e21 as "1e+21".
  const longestStep = spec === DAY_OF_WEEK ? 7 : spec.max - spec.min + 1;
  const stepValue = stepToken === undefined ? 1 : Number.parseInt(stepToken, 10);
  if (stepValue < 1 || stepValue > longestStep) {
    reject(`${at} step ${stepToken} is invalid; expected a whole number from 1 to ${longestStep}`);
  }
  const step = stepToken === undefined ? '' : `/${stepValue}`;
  if (star !== undefined || startToken === undefined) return `*${step}`;

  const start = resolveValue(startToken, spec);
  if (endToken !== undefined) {
    const end = resolveValue(endToken, spec, true);
    if (start > end) {
      reject(
        `${at} range ${startToken}-${endToken} is reversed; expected start <= end (ranges do not wrap around)`,
      );
    }
    return `${start}-${end}${step}`;
  }
  if (step === '') return String(start);
  // `a/n` runs to the end of the field. For weekdays that end is Saturday (6), as `*` and
  // cronstrue's description see it; cron-parser would run to 7 and add Sunday to `1/2`.
  return spec === DAY_OF_WEEK ? `${start % 7}-6${step}` : `${start}${step}`;
}

interface ExpandedField {
  readonly numbers: Set<number>;
  lastDay: boolean;
  readonly lastWeekdays: Set<number>;
  readonly nthWeekdays: Map<string, { weekday: number; nth: number }>;
}

function expandField(index: number, text: string): ExpandedField {
  const spec = FIELDS[index] ?? SECOND;
  const expanded: ExpandedField = {
    numbers: new Set(),
    lastDay: false,
    lastWeekdays: new Set(),
    nthWeekdays: new Map(),
  };
  const items = text.split(',');
  for (const item of items) {
    const canonical = canonicalItem(item, spec, items.length === 1);
    const { values, nth } = expandWithCronParser(index, canonical, spec);
    for (const value of values) {
      if (typeof value === 'number') {
        if (spec === DAY_OF_WEEK && nth > 0) {
          expanded.nthWeekdays.set(`${value % 7}#${nth}`, { weekday: value % 7, nth });
        } else {
          expanded.numbers.add(spec === DAY_OF_WEEK ? value % 7 : value);
        }
      } else if (value === 'L') {
        expanded.lastDay = true;
      } else {
        expanded.lastWeekdays.add(Number.parseInt(value, 10) % 7);
      }
    }
  }
  return expanded;
}

function splitFields(expression: string): string[] {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    const [macro = '', ...rest] = trimmed.toLowerCase().split(/\s+/);
    const replacement = MACROS[macro];
    if (replacement === undefined) {
      reject(`unknown macro "${macro}"; expected one of ${Object.keys(MACROS).join(', ')}`);
    }
    if (rest.length > 0) reject(`macro "${macro}" must be the whole expression`);
    return replacement.split(' ');
  }
  const fields = trimmed.toUpperCase().split(/\s+/);
  if (fields.length === 5) return ['0', ...fields];
  if (fields.length !== 6) reject(`${FIELD_COUNT_EXPECTATION}, got ${fields.length}`);
  return fields;
}

function sorted(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Rejects a day-of-month (without `L`, day-of-week unrestricted) that no chosen month has. */
function assertCanFire(fields: CronFields, dayOfMonthText: string, monthText: string): void {
  if (!fields.dayOfMonthRestricted || fields.dayOfWeekRestricted || fields.lastDayOfMonth) return;
  const earliestDay = fields.daysOfMonth[0] ?? 1;
  if (fields.months.some((month) => earliestDay <= maxDaysInMonth(month))) return;
  const longest = Math.max(...fields.months.map(maxDaysInMonth));
  reject(
    `never fires: day-of-month "${dayOfMonthText}" does not occur in month "${monthText}" (at most ${longest} days)`,
  );
}

/**
 * Parses and validates a CRON expression (no time zone involved).
 * @throws InvalidCronExpressionError reported against `field`.
 */
export function parseCronFields(expression: string, field = 'cronExpression'): CronFields {
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw new InvalidCronExpressionError('must not be empty', field, `${field} must not be empty`);
  }
  try {
    if (expression.length > MAX_EXPRESSION_LENGTH) {
      reject(
        `too long (${expression.length} characters); expected at most ${MAX_EXPRESSION_LENGTH} characters`,
      );
    }
    const texts = splitFields(expression);
    const [second, minute, hour, dayOfMonth, month, dayOfWeek] = texts.map((text, index) =>
      expandField(index, text),
    );
    const [, , hourText = '', dayOfMonthText = '', monthText = '', dayOfWeekText = ''] = texts;
    if (!second || !minute || !hour || !dayOfMonth || !month || !dayOfWeek) {
      return reject(`${FIELD_COUNT_EXPECTATION}, got ${texts.length}`);
    }
    const fields: CronFields = {
      expression: texts.join(' '),
      seconds: sorted(second.numbers),
      minutes: sorted(minute.numbers),
      hours: sorted(hour.numbers),
      daysOfMonth: sorted(dayOfMonth.numbers),
      lastDayOfMonth: dayOfMonth.lastDay,
      months: sorted(month.numbers),
      daysOfWeek: sorted(dayOfWeek.numbers),
      lastWeekdaysOfMonth: sorted(dayOfWeek.lastWeekdays),
      nthWeekdaysOfMonth: [...dayOfWeek.nthWeekdays.values()].sort(
        (a, b) => a.weekday - b.weekday || a.nth - b.nth,
      ),
      dayOfMonthRestricted: dayOfMonthText !== '*' && dayOfMonthText !== '?',
      dayOfWeekRestricted: dayOfWeekText !== '*' && dayOfWeekText !== '?',
      hourIsWildcardOrStep: hourText === '*' || hourText.includes('/'),
    };
    assertCanFire(fields, dayOfMonthText, monthText);
    return fields;
  } catch (error) {
    if (error instanceof Rejection) throw new InvalidCronExpressionError(error.message, field);
    throw error;
  }
}
