import type { AddressInfo } from 'node:net';

/**
 * The start-up line's addresses, as the server is really bound: `0.0.0.0` is not
 * `127.0.0.1` (Nest's `getUrl()` prints the latter for the former), and an operator who reads
 * "all interfaces" knows the port is reachable from other machines.
 */
export function describeListeningAddresses(addresses: readonly (AddressInfo | string)[]): string {
  return addresses
    .map((bound) => {
      if (typeof bound === 'string') return bound; // a Unix socket or Windows pipe path
      const { address, family, port } = bound;
      const host = family === 'IPv6' ? `[${address}]` : address;
      const all = address === '0.0.0.0' || address === '::' ? ' (all interfaces)' : '';
      return `http://${host}:${port}${all}`;
    })
    .join(', ');
}
