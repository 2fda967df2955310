import { describe, expect, it } from '@jest/globals';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { WebhookSigner } from './webhook-signer.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1uU6+SnW8w0=';
const OTHER = 'whsec_pcxpUGPLRc2hKUHQIMM85dGmO1dx13tDHsJSxYU0DsA=';
const ID = '0b7e3c1d-2f4a-4e8b-a6c9-7d5e1f3a9b20';

describe('WebhookSigner (Standard Webhooks)', () => {
  const signer = new WebhookSigner();
  const now = Math.floor(Date.now() / 1000);

  it.each([
    ['an empty body', ''],
    ['a JSON body', '{"report":"daily","ids":[1,2]}'],
    ['non-ASCII text', 'żółć 🙂 — €'],
    ['a 64 KiB body', 'x'.repeat(65_536)],
  ])('makes the reference implementation signature for %s', (_, body) => {
    const expected = new Webhook(SECRET).sign(ID, new Date(now * 1000), body);
    expect(signer.signature([SECRET], ID, now, body)).toBe(expected);
  });

  it('signs with every secret given, in order, space-separated', () => {
    const both = signer.signature([SECRET, OTHER], ID, now, 'b');
    expect(both.split(' ')).toEqual([
      signer.signature([SECRET], ID, now, 'b'),
      signer.signature([OTHER], ID, now, 'b'),
    ]);
    const headers = {
      'webhook-id': ID,
      'webhook-timestamp': String(now),
      'webhook-signature': both,
    };
    for (const secret of [SECRET, OTHER]) {
      expect(new Webhook(secret).verify('b', headers, { jsonParse: false })).toBeUndefined();
    }
  });

  it('fails verification when the body, the id or the timestamp is changed', () => {
    const headers = {
      'webhook-id': ID,
      'webhook-timestamp': String(now),
      'webhook-signature': signer.signature([SECRET], ID, now, '{"a":1}'),
    };
    const verifier = new Webhook(SECRET);
    expect(verifier.verify('{"a":1}', headers)).toEqual({ a: 1 });
    for (const [body, changed] of [
      ['{"a":2}', headers],
      ['{"a":1}', { ...headers, 'webhook-id': `${ID}0` }],
      ['{"a":1}', { ...headers, 'webhook-timestamp': String(now - 1) }],
    ] as const) {
      expect(() => verifier.verify(body, changed)).toThrow(WebhookVerificationError);
    }
  });
});
