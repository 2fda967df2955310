import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from '../common/invalid-request.error.js';
import { REDACTED, redactHeaders, redactUrl } from '../common/redaction.js';
import { keepRedactedHeaders, keepRedactedUrlParts } from './redacted-value.merge.js';

function fieldOf(attempt: () => unknown): string | undefined {
  try {
    attempt();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.field;
    throw error;
  }
  return undefined;
}

describe('keepRedactedHeaders', () => {
  const stored = {
    Authorization: 'Bearer real',
    'X-Webhook-Key': 'k1',
    'Content-Type': 'text/csv',
  };

  it('sending back what GET returned keeps every stored value', () => {
    expect(keepRedactedHeaders(redactHeaders(stored), stored)).toEqual(stored);
  });

  it('keeps per header name, case-insensitively, and takes new values as given', () => {
    expect(
      keepRedactedHeaders({ authorization: REDACTED, 'X-Webhook-Key': 'k2', 'X-New': 'n' }, stored),
    ).toEqual({ authorization: 'Bearer real', 'X-Webhook-Key': 'k2', 'X-New': 'n' });
  });

  it('answers 400 naming the header when there is nothing stored to keep', () => {
    expect(fieldOf(() => keepRedactedHeaders({ 'X-New': REDACTED }, stored))).toBe(
      'httpHeaders.X-New',
    );
    expect(fieldOf(() => keepRedactedHeaders({ Authorization: REDACTED }, {}))).toBe(
      'httpHeaders.Authorization',
    );
  });
});

describe('keepRedactedUrlParts', () => {
  const stored = 'https://bot:hunter2@example.com/hook?key=k1&team=a&team=b&sig=s%2F1';

  it('sending back what GET returned keeps the userinfo and every query value', () => {
    expect(keepRedactedUrlParts(redactUrl(stored), stored)).toBe(stored);
  });

  it('recognises the placeholder percent-encoded, as URL libraries write it', () => {
    const encoded = new URL(redactUrl(stored)).href;
    expect(encoded).toContain('%5BREDACTED%5D@');
    expect(keepRedactedUrlParts(encoded, stored)).toBe(stored);
  });

  it('keeps the n-th value of a repeated name and takes changed values and hosts as given', () => {
    expect(
      keepRedactedUrlParts(
        'https://[REDACTED]@other.example.com/v2?team=[REDACTED]&team=c&key=k2',
        stored,
      ),
    ).toBe('https://bot:hunter2@other.example.com/v2?team=a&team=c&key=k2');
  });

  it('new credentials replace the stored ones', () => {
    expect(keepRedactedUrlParts('https://eve:pw@example.com/hook', stored)).toBe(
      'https://eve:pw@example.com/hook',
    );
  });

  it('returns a URL without placeholders exactly as sent', () => {
    expect(keepRedactedUrlParts('https://example.com/x?a=1', null)).toBe(
      'https://example.com/x?a=1',
    );
  });

  it('answers 400 naming httpUrl when a placeholder has nothing to keep', () => {
    expect(fieldOf(() => keepRedactedUrlParts('https://[REDACTED]@example.com/', null))).toBe(
      'httpUrl',
    );
    expect(fieldOf(() => keepRedactedUrlParts('https://example.com/?new=[REDACTED]', stored))).toBe(
      'httpUrl',
    );
    // A third `team` where the stored URL has two.
    expect(
      fieldOf(() =>
        keepRedactedUrlParts(
          'https://example.com/?team=[REDACTED]&team=[REDACTED]&team=[REDACTED]',
          stored,
        ),
      ),
    ).toBe('httpUrl');
    expect(fieldOf(() => keepRedactedUrlParts('https://bot:[REDACTED]@example.com/', stored))).toBe(
      'httpUrl',
    );
  });

  it('keeps a value-only query part by position among value-only parts', () => {
    expect(
      keepRedactedUrlParts('https://example.com/?[REDACTED]&a=2', 'https://example.com/?t0k&a=1'),
    ).toBe('https://example.com/?t0k&a=2');
  });
});
