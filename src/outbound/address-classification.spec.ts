import { describe, expect, it } from '@jest/globals';
import { classifyAddress } from './address-classification.js';
import type { AddressClass, EmbeddingForm } from './address-classification.js';

type Case = [address: string, addressClass: AddressClass];

describe('classifyAddress: IPv4', () => {
  it.each<Case>([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    // Documentation (RFC 5737) and benchmarking (RFC 2544) ranges.
    ['192.0.2.1', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    // Future use (240/4), IETF protocol assignments, the old 6to4 relay anycast.
    ['240.0.0.1', 'reserved'],
    ['250.1.2.3', 'reserved'],
    ['192.0.0.1', 'reserved'],
    ['192.88.99.1', 'reserved'],
  ])('%s is %s', (address, addressClass) => {
    expect(classifyAddress(address)).toEqual({ addressClass, address });
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '11.0.0.1',
    // Just outside 172.16/12, 100.64/10, 198.18/15 and 169.254/16.
    '172.32.0.1',
    '100.128.0.1',
    '198.20.0.1',
    '169.255.0.1',
    // AS112 and AMT anycast: special-purpose but globally reachable (IANA registry).
    '192.31.196.1',
    '192.52.193.1',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toEqual({ addressClass: 'public', address });
  });
});

describe('classifyAddress: IPv6', () => {
  it.each<Case>([
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['febf::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00::1', 'uniqueLocal'],
    // AWS's IPv6 instance metadata endpoint.
    ['fd00:ec2::254', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['ff05::2', 'multicast'],
    // Documentation (RFC 3849, RFC 9637).
    ['2001:db8::1', 'reserved'],
    ['3fff::1', 'reserved'],
    // Outside 2000::/3, which ipaddr.js calls `unicast`.
    ['1::1', 'notGlobalUnicast'],
    ['4000::1', 'notGlobalUnicast'],
    ['e000::1', 'notGlobalUnicast'],
    ['64:ff9b:1::a00:1', 'localUseNat64'],
    ['64:ff9b:1:ffff::8', 'localUseNat64'],
    ['::808:808', 'ipv4Compatible'],
    ['::8.8.8.8', 'ipv4Compatible'],
  ])('%s is %s', (address, addressClass) => {
    expect(classifyAddress(address)).toMatchObject({ addressClass });
  });

  it('keeps a zone out of the judgement: fe80::1%eth0 is link-local', () => {
    expect(classifyAddress('fe80::1%eth0')).toMatchObject({ addressClass: 'linkLocal' });
  });

  it.each<[string, string]>([
    ['2001:2::1', 'benchmarking'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['100::1', 'discard'],
    ['::ffff:0:7f00:1', 'rfc6145'],
    ['2001:20::1', 'orchid2'],
    ['5f00::1', 'segmentRouting'],
  ])('%s is refused as the special range %s', (address, rangeName) => {
    expect(classifyAddress(address)).toEqual({ addressClass: 'special', address, rangeName });
  });

  it.each([
    '2606:4700:4700::1111',
    '2a00:1450:4001::1',
    '2001:4860:4860::8888',
    // AMT and AS112 anycast: globally reachable.
    '2001:3::1',
    '2001:4:112::1',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toEqual({ addressClass: 'public', address });
  });
});

describe('classifyAddress: IPv6 forms that carry an IPv4 address are judged by it', () => {
  it.each<[string, AddressClass, EmbeddingForm, string]>([
    ['::ffff:127.0.0.1', 'loopback', 'IPv4-mapped', '127.0.0.1'],
    ['::ffff:7f00:1', 'loopback', 'IPv4-mapped', '127.0.0.1'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback', 'IPv4-mapped', '127.0.0.1'],
    ['::ffff:169.254.169.254', 'linkLocal', 'IPv4-mapped', '169.254.169.254'],
    ['::ffff:10.0.0.1', 'private', 'IPv4-mapped', '10.0.0.1'],
    ['::ffff:0.0.0.0', 'unspecified', 'IPv4-mapped', '0.0.0.0'],
    ['::ffff:8.8.8.8', 'public', 'IPv4-mapped', '8.8.8.8'],
    // IPv4-compatible (deprecated): ipaddr.js alone would read ::127.0.0.1 as mapped.
    ['::127.0.0.1', 'loopback', 'IPv4-compatible', '127.0.0.1'],
    ['::7f00:1', 'loopback', 'IPv4-compatible', '127.0.0.1'],
    ['::a9fe:a9fe', 'linkLocal', 'IPv4-compatible', '169.254.169.254'],
    ['::10.0.0.1', 'private', 'IPv4-compatible', '10.0.0.1'],
    // NAT64 well-known prefix (RFC 6052).
    ['64:ff9b::127.0.0.1', 'loopback', 'NAT64', '127.0.0.1'],
    ['64:ff9b::7f00:1', 'loopback', 'NAT64', '127.0.0.1'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal', 'NAT64', '169.254.169.254'],
    ['64:ff9b::c0a8:101', 'private', 'NAT64', '192.168.1.1'],
    ['64:ff9b::8.8.8.8', 'public', 'NAT64', '8.8.8.8'],
    // 6to4 (RFC 3056): the IPv4 address in bits 16-47.
    ['2002:7f00:1::1', 'loopback', '6to4', '127.0.0.1'],
    ['2002:a00:1::1', 'private', '6to4', '10.0.0.1'],
    ['2002:a9fe:a9fe::1', 'linkLocal', '6to4', '169.254.169.254'],
    ['2002:808:808::1', 'public', '6to4', '8.8.8.8'],
    // Teredo (RFC 4380): server 65.54.227.120; client inverted in the last 32 bits.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback', 'Teredo', '127.0.0.1'],
    // The RFC's own example: client 192.0.2.45, a documentation address.
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved', 'Teredo', '192.0.2.45'],
    // Server 10.0.0.1, client 8.8.8.8: the server is judged too.
    ['2001:0:a00:1::f7f7:f7f7', 'private', 'Teredo', '10.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'public', 'Teredo', '8.8.8.8'],
  ])('%s is %s (%s form of %s)', (address, addressClass, form, ipv4) => {
    expect(classifyAddress(address)).toMatchObject({ addressClass, embedded: { form, ipv4 } });
  });
});

describe('classifyAddress: only what a socket takes as an IP address', () => {
  // A socket resolves these as names (getaddrinfo), and that answer is what gets judged.
  it.each([
    '127.1',
    '2130706433',
    '0x7f000001',
    '0177.0.0.1',
    '010.0.0.1',
    '[::1]',
    'localhost',
    '',
  ])('%j is not an address', (text) => {
    expect(classifyAddress(text)).toEqual({ addressClass: 'notAnAddress', address: text });
  });
});
