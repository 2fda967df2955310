import { describe, expect, it } from '@jest/globals';
import type { RetryPolicy } from '../database/entities/job.entity.js';
import {
  MAX_RETRY_AFTER_MS,
  classifyOutcome,
  decideAttemptStatus,
  errorSummary,
  retryDelayMs,
} from './delivery-policy.js';
import type { AttemptContext } from './delivery-policy.js';
import type { AttemptStatus } from './execution.repository.js';
import { parseRetryAfter } from './webhook-client.js';
import type { WebhookOutcome } from './webhook-client.js';

function response(
  status: number,
  retryAfterMs: number | null = null,
  bodyTruncated = false,
): WebhookOutcome {
  return { kind: 'response', status, durationMs: 12, bodyExcerpt: '', bodyTruncated, retryAfterMs };
}

const stalled200 = { status: 200, receivedBytes: 512, bodyExcerpt: 'partial' };

/** mulberry32: a small seeded generator, so jitter is reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const policy: RetryPolicy = { maxAttempts: 10, initialBackoffMs: 1000, maxBackoffMs: 60_000 };

describe('classifyOutcome', () => {
  it.each([
    [200, 'success'],
    [204, 'success'],
    [299, 'success'],
    [301, 'final'],
    [302, 'final'],
    [304, 'final'],
    [400, 'final'],
    [401, 'final'],
    [404, 'final'],
    [408, 'retryable'],
    [410, 'final'],
    [429, 'retryable'],
    [500, 'retryable'],
    [503, 'retryable'],
    [599, 'retryable'],
    [600, 'final'],
  ])('HTTP %i is %s', (status, expected) => {
    expect(classifyOutcome(response(status))).toBe(expected);
  });

  it.each<[string, WebhookOutcome]>([
    [
      'a timeout',
      {
        kind: 'timeout',
        durationMs: 30_000,
        timeoutMs: 30_000,
        requestSent: true,
        partialResponse: null,
      },
    ],
    [
      'a timeout before sending',
      {
        kind: 'timeout',
        durationMs: 30_000,
        timeoutMs: 30_000,
        requestSent: false,
        partialResponse: null,
      },
    ],
    [
      'a 200 whose body stalled until the timeout',
      {
        kind: 'timeout',
        durationMs: 30_000,
        timeoutMs: 30_000,
        requestSent: true,
        partialResponse: stalled200,
      },
    ],
    [
      'a 404 whose body stalled until the timeout',
      {
        kind: 'timeout',
        durationMs: 30_000,
        timeoutMs: 30_000,
        requestSent: true,
        partialResponse: { ...stalled200, status: 404 },
      },
    ],
    [
      'a refused connection',
      {
        kind: 'network-error',
        durationMs: 1,
        error: 'connection refused',
        requestSent: false,
        partialResponse: null,
      },
    ],
    [
      'a reset after sending',
      {
        kind: 'network-error',
        durationMs: 9,
        error: 'connection reset',
        requestSent: true,
        partialResponse: null,
      },
    ],
    [
      'a reset in the middle of a 200 body',
      {
        kind: 'network-error',
        durationMs: 9,
        error: 'connection reset',
        requestSent: true,
        partialResponse: stalled200,
      },
    ],
    [
      'a shutdown abort',
      { kind: 'aborted', durationMs: 40, requestSent: true, partialResponse: null },
    ],
  ])('%s is retryable', (_name, outcome) => {
    expect(classifyOutcome(outcome)).toBe('retryable');
  });
});

const notAllowed: WebhookOutcome = {
  kind: 'not-allowed',
  durationMs: 1,
  error:
    'destination not allowed: 127.0.0.1 is a loopback address (WEBHOOK_ALLOWED_CIDRS / WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
  requestSent: false,
  partialResponse: null,
};

describe('decideAttemptStatus', () => {
  const alo = (attemptsUsed: number, maxAttempts = 3): AttemptContext => ({
    executionType: 'AT_LEAST_ONCE',
    attemptsUsed,
    maxAttempts,
  });
  const amo = (attemptsUsed: number, maxAttempts = 3): AttemptContext => ({
    executionType: 'AT_MOST_ONCE',
    attemptsUsed,
    maxAttempts,
  });
  const refused: WebhookOutcome = {
    kind: 'network-error',
    durationMs: 1,
    error: 'connection refused',
    requestSent: false,
    partialResponse: null,
  };
  const reset: WebhookOutcome = {
    kind: 'network-error',
    durationMs: 9,
    error: 'connection reset',
    requestSent: true,
    partialResponse: null,
  };

  it.each<[string, AttemptStatus, AttemptContext, WebhookOutcome]>([
    // The SSRF guard's refusal (issue 7): AT_MOST_ONCE ends at once although nothing was
    // sent; AT_LEAST_ONCE is retried per its policy, then fails (and is dead-lettered).
    ['AT_MOST_ONCE, destination not allowed, attempts left', 'FAILED', amo(1), notAllowed],
    ['AT_LEAST_ONCE, destination not allowed, attempt 1 of 2', 'RETRYING', alo(1, 2), notAllowed],
    ['AT_LEAST_ONCE, destination not allowed, attempt 2 of 2', 'FAILED', alo(2, 2), notAllowed],
    ['AT_LEAST_ONCE, destination not allowed, single attempt', 'FAILED', alo(1, 1), notAllowed],
    // The rest of the table, unchanged by the guard.
    ['AT_MOST_ONCE, connection refused (never sent)', 'RETRYING', amo(1), refused],
    ['AT_MOST_ONCE, reset after sending', 'FAILED', amo(1), reset],
    ['AT_MOST_ONCE, HTTP 503', 'FAILED', amo(1), response(503)],
    ['AT_MOST_ONCE, connection refused, attempts spent', 'FAILED', amo(3), refused],
    ['AT_LEAST_ONCE, reset after sending', 'RETRYING', alo(1), reset],
    ['AT_LEAST_ONCE, HTTP 503', 'RETRYING', alo(2), response(503)],
    ['AT_LEAST_ONCE, HTTP 503, attempts spent', 'FAILED', alo(3), response(503)],
    ['AT_LEAST_ONCE, HTTP 400', 'FAILED', alo(1), response(400)],
    ['AT_LEAST_ONCE, HTTP 302', 'FAILED', alo(1), response(302)],
    ['AT_MOST_ONCE, HTTP 200', 'SUCCEEDED', amo(1), response(200)],
    ['AT_LEAST_ONCE, HTTP 204 on the last attempt', 'SUCCEEDED', alo(3), response(204)],
  ])('%s → %s', (_name, expected, context, outcome) => {
    expect(decideAttemptStatus(context, outcome)).toBe(expected);
  });

  it('classifies a refused destination as its own outcome class', () => {
    expect(classifyOutcome(notAllowed)).toBe('not-allowed');
  });
});

describe('retryDelayMs', () => {
  it('doubles the ceiling each attempt: random 1 gives the ceiling itself', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt, null, () => 1));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000]);
  });

  it('caps the ceiling at maxBackoffMs', () => {
    expect(retryDelayMs(policy, 7, null, () => 1)).toBe(60_000);
    expect(retryDelayMs(policy, 60, null, () => 1)).toBe(60_000);
    expect(retryDelayMs(policy, 5_000, null, () => 1)).toBe(60_000);
  });

  it('uses full jitter: random 0 retries at once', () => {
    expect(retryDelayMs(policy, 4, null, () => 0)).toBe(0);
    expect(retryDelayMs(policy, 4, null, () => 0.5)).toBe(4000);
  });

  it('stays within [0, ceiling] and spreads over it (seeded)', () => {
    const random = seededRandom(20_250_309);
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const ceiling = Math.min(1000 * 2 ** (attempt - 1), 60_000);
      const delays = Array.from({ length: 500 }, () => retryDelayMs(policy, attempt, null, random));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      // 500 uniform draws: both the lowest and the highest tenth of the window are hit.
      expect(delays.some((delay) => delay < ceiling * 0.1)).toBe(true);
      expect(delays.some((delay) => delay > ceiling * 0.9)).toBe(true);
      expect(delays.every(Number.isInteger)).toBe(true);
    }
  });

  it('is reproducible with the same seed', () => {
    const run = (): number[] => {
      const random = seededRandom(7);
      return [1, 2, 3, 4].map((attempt) => retryDelayMs(policy, attempt, null, random));
    };
    expect(run()).toEqual(run());
  });

  it('treats an attempt below 1 as the first', () => {
    expect(retryDelayMs(policy, 0, null, () => 1)).toBe(1000);
  });

  it('never returns NaN for a zero initial backoff', () => {
    const zero: RetryPolicy = { maxAttempts: 3, initialBackoffMs: 0, maxBackoffMs: 1000 };
    expect(retryDelayMs(zero, 2_000, null, () => 1)).toBe(0);
  });

  it('waits at least Retry-After, without jitter below it', () => {
    expect(retryDelayMs(policy, 1, 7000, () => 0)).toBe(7000);
    expect(retryDelayMs(policy, 1, 7000, () => 1)).toBe(7000);
  });

  it('keeps the computed backoff when it is longer than Retry-After', () => {
    expect(retryDelayMs(policy, 6, 1000, () => 1)).toBe(32_000);
  });

  it('honours a Retry-After beyond maxBackoffMs', () => {
    expect(retryDelayMs(policy, 1, 120_000, () => 1)).toBe(120_000);
  });

  it('caps Retry-After at one hour', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
    expect(retryDelayMs(policy, 1, 86_400_000, () => 0)).toBe(3_600_000);
  });

  it('treats a Retry-After of 0 as no floor', () => {
    expect(retryDelayMs(policy, 3, 0, () => 0.25)).toBe(1000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', undefined, now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', undefined, now)).toBe(0);
  });

  it('reads an HTTP-date against the response Date header, not the local clock', () => {
    expect(
      parseRetryAfter('Sun, 01 Jun 2025 12:01:30 GMT', 'Sun, 01 Jun 2025 12:00:00 GMT', 0),
    ).toBe(90_000);
  });

  it('reads an HTTP-date against the local clock when there is no Date header', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:45 GMT', undefined, now)).toBe(45_000);
  });

  it('falls back to the local clock when the Date header is unreadable', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:45 GMT', 'yesterday', now)).toBe(45_000);
  });

  it('reads the obsolete RFC 850 date form', () => {
    expect(parseRetryAfter('Sunday, 01-Jun-25 12:00:10 GMT', undefined, now)).toBe(10_000);
  });

  it('turns a date in the past into 0', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', undefined, now)).toBe(0);
  });

  it.each([
    ['absent', undefined],
    ['negative', '-5'],
    ['fractional', '1.5'],
    ['garbage', 'soon'],
    ['an asctime date (no zone: would depend on the host TZ)', 'Sun Jun  1 12:00:10 2025'],
    ['an ISO date', '2025-06-01T12:00:10Z'],
  ])('ignores %s', (_name, value) => {
    expect(parseRetryAfter(value, undefined, now)).toBeNull();
  });

  it('keeps an absurdly large delta finite (the policy caps it)', () => {
    const parsed = parseRetryAfter('9'.repeat(400), undefined, now);
    expect(parsed).toBe(Number.MAX_SAFE_INTEGER);
    expect(retryDelayMs(policy, 1, parsed, () => 0)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('errorSummary', () => {
  it.each<[WebhookOutcome, string]>([
    [response(503), 'HTTP 503'],
    [response(404), 'HTTP 404'],
    [response(301), 'HTTP 301 (redirects are not followed)'],
    [response(500, null, true), 'HTTP 500 (body cut at 65536 bytes)'],
    [response(302, null, true), 'HTTP 302 (redirects are not followed; body cut at 65536 bytes)'],
    [
      {
        kind: 'timeout',
        durationMs: 30_004,
        timeoutMs: 30_000,
        requestSent: true,
        partialResponse: null,
      },
      'timeout after 30000 ms (request sent)',
    ],
    [
      {
        kind: 'timeout',
        durationMs: 5001,
        timeoutMs: 5000,
        requestSent: false,
        partialResponse: null,
      },
      'timeout after 5000 ms (request not sent)',
    ],
    [
      {
        kind: 'timeout',
        durationMs: 5001,
        timeoutMs: 5000,
        requestSent: true,
        partialResponse: stalled200,
      },
      'timeout after 5000 ms, during the body of HTTP 200 (512 bytes received; request sent)',
    ],
    [
      {
        kind: 'network-error',
        durationMs: 2,
        error: 'connection refused: connect ECONNREFUSED 127.0.0.1:9',
        requestSent: false,
        partialResponse: null,
      },
      'connection refused: connect ECONNREFUSED 127.0.0.1:9 (request not sent)',
    ],
    [
      {
        kind: 'network-error',
        durationMs: 2,
        error: 'connection closed by the receiver: other side closed',
        requestSent: true,
        partialResponse: null,
      },
      'connection closed by the receiver: other side closed (request sent)',
    ],
    [
      {
        kind: 'network-error',
        durationMs: 2,
        error: 'connection closed by the receiver: other side closed',
        requestSent: true,
        partialResponse: { ...stalled200, receivedBytes: 7 },
      },
      'connection closed by the receiver: other side closed, during the body of HTTP 200 (7 bytes received; request sent)',
    ],
    [
      { kind: 'aborted', durationMs: 250, requestSent: true, partialResponse: null },
      'aborted by worker shutdown after 250 ms (request sent)',
    ],
    [
      notAllowed,
      'destination not allowed: 127.0.0.1 is a loopback address (WEBHOOK_ALLOWED_CIDRS / WEBHOOK_ALLOW_PRIVATE_NETWORKS) (request not sent)',
    ],
    [
      { kind: 'aborted', durationMs: 250, requestSent: true, partialResponse: stalled200 },
      'aborted by worker shutdown after 250 ms, during the body of HTTP 200 (512 bytes received; request sent)',
    ],
  ])('%j → %s', (outcome, expected) => {
    expect(errorSummary(outcome)).toBe(expected);
  });
});
