import { describe, expect, it } from '@jest/globals';
import { deferralDelayMs } from './deferral-delay.js';
import { destinationOf } from './destination.js';

describe('destinationOf', () => {
  it.each([
    ['https://hooks.example.com/a/b?sig=secret', 'https://hooks.example.com'],
    ['HTTPS://Hooks.Example.COM:443/x', 'https://hooks.example.com'],
    ['http://example.com:80/', 'http://example.com'],
    ['http://127.0.0.1:8080/hook', 'http://127.0.0.1:8080'],
    ['http://user:password@example.com:9000/', 'http://example.com:9000'],
    ['http://[::1]:3000/', 'http://[::1]:3000'],
  ])('%s is the destination %s (origin only: no userinfo, path or query)', (url, origin) => {
    expect(destinationOf(url)).toBe(origin);
  });

  it('separates ports and schemes of one host', () => {
    const origins = new Set(
      ['http://h:1/', 'http://h:2/', 'https://h:1/', 'http://h:1/other'].map(destinationOf),
    );
    expect(origins.size).toBe(3);
  });

  it.each(['ftp://example.com/', 'not a url', ''])('%j is no destination', (url) => {
    expect(destinationOf(url)).toBeNull();
  });
});

describe('deferralDelayMs', () => {
  it('is the base plus a share of the spread given by the random source', () => {
    expect(deferralDelayMs(6_000, 10_000, () => 0)).toBe(6_000);
    expect(deferralDelayMs(6_000, 10_000, () => 0.25)).toBe(8_500);
    expect(deferralDelayMs(6_000, 10_000, () => 1)).toBe(16_000);
  });

  it('clamps a random source outside [0, 1] and negative inputs', () => {
    expect(deferralDelayMs(1_000, 1_000, () => 7)).toBe(2_000);
    expect(deferralDelayMs(1_000, 1_000, () => -1)).toBe(1_000);
    expect(deferralDelayMs(-5, -5, () => 0.5)).toBe(0);
  });
});
