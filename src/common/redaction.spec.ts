import { describe, expect, it } from '@jest/globals';
import { REDACTED, redactHeaders, redactUrl } from './redaction.js';

describe('redaction', () => {
  it('hides credential-like header values and keeps the rest', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer abc',
        'X-Api-Key': 'k',
        'X-Webhook-Signature': 's',
        Cookie: 'c',
        'Content-Type': 'application/json',
        'X-Team': 'payments',
      }),
    ).toEqual({
      Authorization: REDACTED,
      'X-Api-Key': REDACTED,
      'X-Webhook-Signature': REDACTED,
      Cookie: REDACTED,
      'Content-Type': 'application/json',
      'X-Team': 'payments',
    });
  });

  it('hides URL passwords and secret query parameters', () => {
    const redacted = redactUrl('https://bob:hunter2@example.com/hook?token=abc&team=x');
    expect(redacted).not.toContain('hunter2');
    expect(redacted).not.toContain('abc');
    expect(redacted).toContain('team=x');
    expect(redacted).toContain('bob');
  });
});
