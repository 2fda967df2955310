import { describe, expect, it } from '@jest/globals';
import { DestinationNotAllowedError } from './destination-not-allowed.error.js';
import { DestinationPolicy } from './destination-policy.js';

const strict = DestinationPolicy.publicOnly();
const optOut = new DestinationPolicy({ allowPrivateNetworks: true, allowedCidrs: [] });
const withCidrs = (...allowedCidrs: string[]) =>
  new DestinationPolicy({ allowPrivateNetworks: false, allowedCidrs });

/** Every internal form the guard must refuse at connect time, by default. */
const INTERNAL_ADDRESSES = [
  '127.0.0.1',
  '127.8.9.10',
  '0.0.0.0',
  '10.0.0.1',
  '172.16.0.1',
  '192.168.0.1',
  '100.64.0.1',
  '169.254.169.254',
  '224.0.0.1',
  '255.255.255.255',
  '192.0.2.1',
  '198.51.100.1',
  '203.0.113.1',
  '198.18.0.1',
  '240.0.0.1',
  '::1',
  '::',
  'fe80::1',
  'fc00::1',
  'fd00:ec2::254',
  'ff02::1',
  '2001:db8::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:169.254.169.254',
  '::127.0.0.1',
  '::8.8.8.8',
  '64:ff9b::7f00:1',
  '64:ff9b:1::a00:1',
  '2002:7f00:1::1',
  '2002:a9fe:a9fe::1',
  '2001:0:4136:e378:8000:63bf:80ff:fffe',
  '4000::1',
];

describe('DestinationPolicy.refusalFor (connect time), by default', () => {
  it.each(INTERNAL_ADDRESSES)('refuses %s', (address) => {
    expect(strict.refusalFor(address)).toBeInstanceOf(DestinationNotAllowedError);
  });

  it.each(['8.8.8.8', '1.1.1.1', '::ffff:8.8.8.8', '2606:4700:4700::1111', '64:ff9b::808:808'])(
    'allows the public address %s',
    (address) => {
      expect(strict.refusalFor(address)).toBeUndefined();
    },
  );

  it('refuses the cloud metadata address before anything is sent, naming its class', () => {
    const refusal = strict.refusalFor('169.254.169.254');
    expect(refusal?.code).toBe('DESTINATION_NOT_ALLOWED');
    expect(refusal?.addressClass).toBe('linkLocal');
    expect(refusal?.message).toBe(
      'destination not allowed: 169.254.169.254 is a link-local address (where cloud metadata services live) (WEBHOOK_ALLOWED_CIDRS)',
    );
  });

  it('names the address, its class and the settings that would allow it', () => {
    expect(strict.refusalFor('127.0.0.1')?.message).toBe(
      'destination not allowed: 127.0.0.1 is a loopback address (WEBHOOK_ALLOWED_CIDRS / WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
    );
  });

  it('names the host name that resolved to the address', () => {
    const refusal = strict.refusalFor('10.1.2.3', 'internal.example.com');
    expect(refusal?.reason).toBe(
      'internal.example.com resolved to 10.1.2.3, a private (RFC 1918) address (WEBHOOK_ALLOWED_CIDRS / WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
    );
    expect(refusal?.address).toBe('10.1.2.3');
  });

  it('names the IPv4 address inside an IPv6 form', () => {
    expect(strict.refusalFor('::ffff:127.0.0.1')?.reason).toBe(
      '::ffff:7f00:1 is the IPv4-mapped form of 127.0.0.1, a loopback address (WEBHOOK_ALLOWED_CIDRS / WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
    );
    expect(strict.refusalFor('2002:7f00:1::1')?.reason).toBe(
      '2002:7f00:1::1 is the 6to4 form of 127.0.0.1, a loopback address (WEBHOOK_ALLOWED_CIDRS)',
    );
  });

  it('refuses text that is not an IP address (fail closed)', () => {
    expect(strict.refusalFor('127.1')?.message).toBe(
      'destination not allowed: 127.1 is not an IP address',
    );
  });
});

describe('WEBHOOK_ALLOW_PRIVATE_NETWORKS', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.0.1',
    '192.168.0.1',
    '100.64.0.1',
    '::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('lets the private-network address %s through', (address) => {
    expect(optOut.refusalFor(address)).toBeUndefined();
  });

  it.each([
    // Cloud metadata stays out of reach even for developers.
    '169.254.169.254',
    'fe80::1',
    '::ffff:169.254.169.254',
    '0.0.0.0',
    '::',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.1',
    '2001:db8::1',
    // Reached through a translator, relay or tunnel, not on this network.
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '2001:0:4136:e378:8000:63bf:80ff:fffe',
    '::127.0.0.1',
  ])('still refuses %s', (address) => {
    expect(optOut.refusalFor(address)).toBeInstanceOf(DestinationNotAllowedError);
  });
});

describe('WEBHOOK_ALLOWED_CIDRS', () => {
  it('allows exactly the listed ranges while the guard stays on', () => {
    const policy = withCidrs('127.0.0.0/8', '169.254.169.254/32', 'fd00::/8');
    for (const address of ['127.0.0.1', '127.9.9.9', '169.254.169.254', 'fd12::1']) {
      expect(policy.refusalFor(address)).toBeUndefined();
    }
    for (const address of ['::1', '10.0.0.1', '169.254.169.253', 'fe80::1', 'fc00::1']) {
      expect(policy.refusalFor(address)).toBeInstanceOf(DestinationNotAllowedError);
    }
  });

  it('covers the IPv4-mapped form of an allowed IPv4 address, not the tunnelled ones', () => {
    const policy = withCidrs('10.0.0.0/8');
    expect(policy.refusalFor('::ffff:10.1.2.3')).toBeUndefined();
    expect(policy.refusalFor('2002:a01:203::1')).toBeInstanceOf(DestinationNotAllowedError);
    expect(withCidrs('64:ff9b::/96').refusalFor('64:ff9b::a01:203')).toBeUndefined();
  });
});

describe('DestinationPolicy.refusalForUrl (the API check)', () => {
  // WHATWG URL parsing turns every numeric encoding into the dotted quad first.
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://017700000001/',
    'http://127.0.0.1./',
    'http://%31%32%37.0.0.1/',
    'http://\uff11\uff12\uff17.0.0.1/',
    'http://0/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::127.0.0.1]/',
    'http://[2002:7f00:1::1]/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://foo.localhost/',
    'http://a.b.localhost:9/',
    'http://example.com@127.0.0.1/',
    'http://user:pass@127.0.0.1/',
    'https://example.com:443@[::1]:8443/',
  ])('refuses %s', (url) => {
    expect(strict.refusalForUrl(new URL(url))).toBeInstanceOf(DestinationNotAllowedError);
  });

  it.each([
    'https://example.com/hook',
    'https://user:secret@example.com/hook',
    // Userinfo that looks like an address is only a user name.
    'http://127.0.0.1@example.com/',
    'http://8.8.8.8/',
    'http://[2606:4700:4700::1111]/',
    // Names are judged when they resolve, at connect time.
    'http://localhost.example.com/',
    'http://127.0.0.1.nip.io/',
  ])('leaves %s to connect time', (url) => {
    expect(strict.refusalForUrl(new URL(url))).toBeUndefined();
  });

  it('judges the real host of a userinfo trick', () => {
    expect(strict.refusalForUrl(new URL('http://example.com@127.0.0.1/'))?.address).toBe(
      '127.0.0.1',
    );
  });

  it('says why localhost is refused', () => {
    expect(strict.refusalForUrl(new URL('http://LOCALHOST.:9/'))?.reason).toBe(
      'localhost is a loopback name (RFC 6761) (WEBHOOK_ALLOWED_CIDRS / WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
    );
  });

  it('accepts loopback forms and localhost with the opt-out, but not the metadata address', () => {
    for (const url of ['http://2130706433/', 'http://[::1]/', 'http://localhost:9/']) {
      expect(optOut.refusalForUrl(new URL(url))).toBeUndefined();
    }
    const metadata = optOut.refusalForUrl(new URL('http://169.254.169.254/latest/meta-data/'));
    expect(metadata?.addressClass).toBe('linkLocal');
  });

  it('accepts localhost when a CIDR allows a loopback address', () => {
    expect(withCidrs('127.0.0.0/8').refusalForUrl(new URL('http://localhost/'))).toBeUndefined();
    expect(withCidrs('::1/128').refusalForUrl(new URL('http://localhost/'))).toBeUndefined();
    expect(withCidrs('10.0.0.0/8').refusalForUrl(new URL('http://localhost/'))).toBeDefined();
  });
});
