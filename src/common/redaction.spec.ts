import { describe, expect, it } from '@jest/globals';
import { REDACTED, redactHeaders, redactUrl, splitQuery } from './redaction.js';

describe('redaction', () => {
  it('hides every header value but the content-negotiation allow-list, whatever the name', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer abc',
        'X-Webhook-Key': 'k',
        'X-Sig': 's',
        'X-Team': 'payments',
        Cookie: 'c',
        'content-TYPE': 'application/json',
        Accept: 'application/json',
        'Accept-Language': 'fr',
        'Cache-Control': 'no-cache',
      }),
    ).toEqual({
      Authorization: REDACTED,
      'X-Webhook-Key': REDACTED,
      'X-Sig': REDACTED,
      'X-Team': REDACTED,
      Cookie: REDACTED,
      'content-TYPE': 'application/json',
      Accept: 'application/json',
      'Accept-Language': 'fr',
      'Cache-Control': 'no-cache',
    });
  });

  it('hides the whole userinfo, user name included', () => {
    expect(redactUrl('https://bob:hunter2@example.com/hook')).toBe(
      'https://[REDACTED]@example.com/hook',
    );
    expect(redactUrl('https://only-a-user@example.com/hook')).toBe(
      'https://[REDACTED]@example.com/hook',
    );
    expect(redactUrl('https://:just-a-password@example.com/')).toBe(
      'https://[REDACTED]@example.com/',
    );
  });

  it('hides every query value and keeps the names, host, port and path', () => {
    expect(
      redactUrl('http://hooks.example.com:8443/a/b?key=k1&sig=s%2F2&team=x&team=y&empty=&bare'),
    ).toBe(
      'http://hooks.example.com:8443/a/b?key=[REDACTED]&sig=[REDACTED]&team=[REDACTED]&team=[REDACTED]&empty=[REDACTED]&[REDACTED]',
    );
  });

  it('leaves a URL without credentials or query as it is', () => {
    expect(redactUrl('https://example.com/hooks/report')).toBe('https://example.com/hooks/report');
  });

  it('is idempotent, so stored redacted copies can be redacted again', () => {
    const once = redactUrl('https://u:p@example.com/x?a=1&b&c=3');
    expect(redactUrl(once)).toBe(once);
    expect(redactHeaders(redactHeaders({ A: 'x' }))).toEqual({ A: REDACTED });
  });

  it('hides an unparsable URL entirely', () => {
    expect(redactUrl('not a url with a s3cret')).toBe(REDACTED);
  });

  it('decodes query pieces like a form', () => {
    expect(splitQuery('?a=x+y%21&b&=v')).toEqual([
      { raw: 'a=x+y%21', name: 'a', value: 'x y!' },
      { raw: 'b', name: null, value: 'b' },
      { raw: '=v', name: '', value: 'v' },
    ]);
  });
});
