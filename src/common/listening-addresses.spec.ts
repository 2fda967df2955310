import { describe, expect, it } from '@jest/globals';
import { describeListeningAddresses } from './listening-addresses.js';

describe('describeListeningAddresses', () => {
  it('names the wildcard address as bound, and says it means every interface', () => {
    expect(describeListeningAddresses([{ address: '0.0.0.0', family: 'IPv4', port: 8080 }])).toBe(
      'http://0.0.0.0:8080 (all interfaces)',
    );
    expect(describeListeningAddresses([{ address: '::', family: 'IPv6', port: 8080 }])).toBe(
      'http://[::]:8080 (all interfaces)',
    );
  });

  it('lists every address a host name was bound to, IPv6 in brackets', () => {
    expect(
      describeListeningAddresses([
        { address: '127.0.0.1', family: 'IPv4', port: 8080 },
        { address: '::1', family: 'IPv6', port: 8080 },
      ]),
    ).toBe('http://127.0.0.1:8080, http://[::1]:8080');
  });
});
