import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { errorSummary } from '../../src/execution/delivery-policy.js';
import { WebhookClient } from '../../src/execution/webhook-client.js';
import type { WebhookOutcome } from '../../src/execution/webhook-client.js';
import type { WebhookRequest } from '../../src/execution/webhook-request.js';
import { DestinationPolicy } from '../../src/outbound/destination-policy.js';
import { CanaryListener } from '../support/canary-listener.js';
import { overrideDnsLookup } from '../support/dns-override.js';

// Every destination here is on 127.0.0.1 or ::1: a broken guard would only ever reach the
// canary. The cloud metadata address is covered where nothing can connect (unit tests with
// a fake connector, and the end-to-end test with the guard on).

const CANARY_NAME = 'canary.ssrf.test';
const REBIND_NAME = 'rebind.ssrf.test';
const MIXED_NAME = 'mixed.ssrf.test';

/** Names this process resolves as the test says: DNS without a DNS server. */
const dnsAnswers = new Map<string, string[]>([
  [CANARY_NAME, ['127.0.0.1']],
  [MIXED_NAME, ['127.0.0.1', '127.0.0.2']],
]);

function post(url: string): WebhookRequest {
  return { method: 'POST', url, headers: {}, body: undefined };
}

function expectNotAllowed(outcome: WebhookOutcome, text: RegExp | string): void {
  expect(outcome).toMatchObject({ kind: 'not-allowed', requestSent: false });
  if (outcome.kind !== 'not-allowed') return;
  expect(outcome.error).toMatch(text);
  expect(errorSummary(outcome)).toMatch(/^destination not allowed: .*\(request not sent\)$/);
}

describe('WebhookClient with the SSRF guard', () => {
  let canary: CanaryListener;
  let restoreDns: () => void;
  const clients: WebhookClient[] = [];

  function client(destinations: DestinationPolicy): WebhookClient {
    const created = new WebhookClient({ connectionsPerOrigin: 1, destinations });
    clients.push(created);
    return created;
  }

  beforeAll(() => {
    restoreDns = overrideDnsLookup(dnsAnswers);
  });

  afterAll(() => restoreDns());

  beforeEach(async () => {
    canary = await CanaryListener.start();
  });

  afterEach(async () => {
    await canary.close();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  describe('on (the default: public unicast only)', () => {
    const guarded = () => client(DestinationPolicy.publicOnly());

    it.each<[string, string, RegExp]>([
      ['127.0.0.1', '127.0.0.1', /127\.0\.0\.1 is a loopback address/],
      ['127.1', '127.1', /127\.0\.0\.1 is a loopback address/],
      ['2130706433 (decimal)', '2130706433', /127\.0\.0\.1 is a loopback address/],
      ['0x7f000001 (hex)', '0x7f000001', /127\.0\.0\.1 is a loopback address/],
      ['0177.0.0.1 (octal)', '0177.0.0.1', /127\.0\.0\.1 is a loopback address/],
      ['::ffff:127.0.0.1', '[::ffff:127.0.0.1]', /IPv4-mapped form of 127\.0\.0\.1, a loopback/],
      ['::1', '[::1]', /::1 is a loopback address/],
      ['userinfo naming another host', 'example.com@127.0.0.1', /127\.0\.0\.1 is a loopback/],
      ['localhost (/etc/hosts)', 'localhost', /localhost resolved to 127\.0\.0\.1, a loopback/],
      [`${CANARY_NAME} (DNS)`, CANARY_NAME, /canary\.ssrf\.test resolved to 127\.0\.0\.1/],
    ])('refuses %s without a single connection', async (_name, host, message) => {
      const outcome = await guarded().send(post(canary.url(host)), { timeoutMs: 5_000 });
      expectNotAllowed(outcome, message);
      expect(canary.connections).toBe(0);
    });

    it.each([
      ['a literal address', '127.0.0.1', /127\.0\.0\.1 is a loopback address/],
      ['a name', CANARY_NAME, /canary\.ssrf\.test resolved to 127\.0\.0\.1/],
    ])('refuses https to %s before any TLS handshake', async (_name, host, message) => {
      const url = canary.url(host).replace('http:', 'https:');
      const outcome = await guarded().send(post(url), { timeoutMs: 5_000 });
      expectNotAllowed(outcome, message);
      expect(canary.connections).toBe(0);
    });

    it('refuses a name whose answer mixes an allowed address with a refused one', async () => {
      const oneAllowed = new DestinationPolicy({
        allowPrivateNetworks: false,
        allowedCidrs: ['127.0.0.1/32'],
      });
      const outcome = await client(oneAllowed).send(post(canary.url(MIXED_NAME)), {
        timeoutMs: 5_000,
      });
      expectNotAllowed(outcome, /mixed\.ssrf\.test resolved to 127\.0\.0\.2, a loopback/);
      expect(canary.connections).toBe(0);
    });

    it('judges every new connection: a name rebound to a refused address is refused', async () => {
      const only127001 = new DestinationPolicy({
        allowPrivateNetworks: false,
        allowedCidrs: ['127.0.0.1/32'],
      });
      const rebinding = client(only127001);
      // The receiver closes each connection, so the second request needs a new one.
      canary.route('/close', (res) => res.writeHead(200, { Connection: 'close' }).end('bye'));
      dnsAnswers.set(REBIND_NAME, ['127.0.0.1']);
      const first = await rebinding.send(post(canary.url(REBIND_NAME, '/close')), {
        timeoutMs: 5_000,
      });
      expect(first).toMatchObject({ kind: 'response', status: 200 });

      dnsAnswers.set(REBIND_NAME, ['127.0.0.2']);
      const second = await rebinding.send(post(canary.url(REBIND_NAME, '/close')), {
        timeoutMs: 5_000,
      });
      expectNotAllowed(second, /rebind\.ssrf\.test resolved to 127\.0\.0\.2/);
      expect(canary.connections).toBe(1);
    });
  });

  describe('relaxed by configuration, the same listener is reached', () => {
    const reachable = ['127.0.0.1', '127.1', '2130706433', '0x7f000001', '0177.0.0.1'];

    it.each([...reachable, 'localhost', CANARY_NAME, 'example.com@127.0.0.1'])(
      'WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8: %s',
      async (host) => {
        const allowed = new DestinationPolicy({
          allowPrivateNetworks: false,
          allowedCidrs: ['127.0.0.0/8'],
        });
        const outcome = await client(allowed).send(post(canary.url(host)), { timeoutMs: 5_000 });
        expect(outcome).toMatchObject({ kind: 'response', status: 200, bodyExcerpt: 'canary' });
        expect(canary.connections).toBe(1);
      },
    );

    it.each([...reachable, '[::ffff:127.0.0.1]', '[::1]', 'localhost', CANARY_NAME])(
      'WEBHOOK_ALLOW_PRIVATE_NETWORKS=true: %s',
      async (host) => {
        if (host === '[::1]' && !canary.ipv6) {
          throw new Error('this host has no ::1; the [::1] case cannot run here');
        }
        const optOut = new DestinationPolicy({ allowPrivateNetworks: true, allowedCidrs: [] });
        const outcome = await client(optOut).send(post(canary.url(host)), { timeoutMs: 5_000 });
        expect(outcome).toMatchObject({ kind: 'response', status: 200, bodyExcerpt: 'canary' });
        expect(canary.connections).toBe(1);
      },
    );

    it('keeps keep-alive pooling: two requests, one connection', async () => {
      const allowed = new DestinationPolicy({
        allowPrivateNetworks: false,
        allowedCidrs: ['127.0.0.0/8'],
      });
      const pooled = client(allowed);
      await pooled.send(post(canary.url(CANARY_NAME, '/a')), { timeoutMs: 5_000 });
      const second = await pooled.send(post(canary.url(CANARY_NAME, '/b')), { timeoutMs: 5_000 });
      expect(second).toMatchObject({ kind: 'response', status: 200 });
      expect(canary.connections).toBe(1);
    });
  });

  describe('redirects', () => {
    it('records a 302 to an internal address as the outcome and never follows it', async () => {
      const target = await CanaryListener.start();
      try {
        canary.route('/moved', (res) =>
          res.writeHead(302, { Location: target.url('127.0.0.1', '/internal') }).end('moved'),
        );
        // The receiver is allowed; the redirect target would be too, were it followed.
        const allowed = new DestinationPolicy({
          allowPrivateNetworks: false,
          allowedCidrs: ['127.0.0.0/8'],
        });
        const outcome = await client(allowed).send(post(canary.url('127.0.0.1', '/moved')), {
          timeoutMs: 5_000,
        });
        expect(outcome).toMatchObject({ kind: 'response', status: 302, bodyExcerpt: 'moved' });
        expect(errorSummary(outcome)).toBe('HTTP 302 (redirects are not followed)');
        expect(target.connections).toBe(0);
      } finally {
        await target.close();
      }
    });
  });
});
