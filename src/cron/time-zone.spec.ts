import { describe, expect, it } from '@jest/globals';

import { assertValidTimeZone, isValidTimeZone, zoneOffsets } from './time-zone.js';
import { UnknownTimeZoneError } from './unknown-time-zone.error.js';

const HOUR_MS = 3_600_000;

describe('time zone names', () => {
  it('accepts IANA names, canonical and links alike', () => {
    for (const timeZone of [
      'UTC',
      'Etc/UTC',
      'Etc/GMT+5',
      'America/New_York',
      'America/Argentina/Buenos_Aires',
      'America/Port-au-Prince',
      'Asia/Calcutta',
      'Asia/Kolkata',
      'US/Eastern',
      'EST5EDT',
      ...Intl.supportedValuesOf('timeZone'),
    ]) {
      expect([timeZone, isValidTimeZone(timeZone)]).toEqual([timeZone, true]);
    }
  });

  it('rejects offsets, blanks, padding and unknown names', () => {
    for (const timeZone of [
      '+05:00',
      '-0300',
      'GMT+5',
      '',
      ' ',
      ' UTC',
      'UTC ',
      'Mars/Olympus',
      'Z',
    ]) {
      expect([timeZone, isValidTimeZone(timeZone)]).toEqual([timeZone, false]);
    }
    expect(isValidTimeZone(42)).toBe(false);
    expect(isValidTimeZone(undefined)).toBe(false);
  });

  it('throws UnknownTimeZoneError against the field the caller names', () => {
    expect(() => assertValidTimeZone('Europe/London')).not.toThrow();
    expect(() => assertValidTimeZone('Europe/Londres')).toThrow(UnknownTimeZoneError);
    expect(() => assertValidTimeZone('Nowhere', 'timeZone')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TIME_ZONE', field: 'timeZone' }),
    );
  });
});

describe('zone offsets', () => {
  it('reads standard, daylight and odd offsets from Intl', () => {
    expect(zoneOffsets('America/New_York').offsetAt(Date.UTC(2026, 0, 15))).toBe(-5 * HOUR_MS);
    expect(zoneOffsets('America/New_York').offsetAt(Date.UTC(2026, 6, 15))).toBe(-4 * HOUR_MS);
    expect(zoneOffsets('Asia/Kathmandu').offsetAt(Date.UTC(2026, 0, 15))).toBe(5.75 * HOUR_MS);
    expect(zoneOffsets('Pacific/Chatham').offsetAt(Date.UTC(2026, 0, 15))).toBe(13.75 * HOUR_MS);
    expect(zoneOffsets('UTC').offsetAt(Date.UTC(2026, 0, 15))).toBe(0);
  });

  it('finds transitions to the second', () => {
    const newYork = zoneOffsets('America/New_York');
    const springForward = Date.UTC(2026, 2, 8, 7);
    const day = Math.floor(springForward / 86_400_000);
    expect(newYork.transitionsOnDay(day - 1)).toEqual([]);
    expect(newYork.transitionsOnDay(day)).toEqual([
      { at: springForward, before: -5 * HOUR_MS, after: -4 * HOUR_MS },
    ]);
    expect(newYork.offsetAt(springForward - 1000)).toBe(-5 * HOUR_MS);
    expect(newYork.offsetAt(springForward)).toBe(-4 * HOUR_MS);
  });

  it('takes only the date that contains the skipped or repeated hour off the fast path', () => {
    const newYork = zoneOffsets('America/New_York');
    const march8 = Date.UTC(2026, 2, 8) / 86_400_000;
    expect(newYork.uniformOffsetForLocalDay(march8 - 1)).toBe(-5 * HOUR_MS);
    expect(newYork.uniformOffsetForLocalDay(march8)).toBeUndefined();
    expect(newYork.uniformOffsetForLocalDay(march8 + 1)).toBe(-4 * HOUR_MS);
  });
});
