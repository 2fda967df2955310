import dns from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import type { DestinationPolicy } from '../outbound/destination-policy.js';

/** `dns.lookup` with `all: true`: the resolver the guarded lookup asks. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * The system resolver (`getaddrinfo`: DNS, `/etc/hosts`, nsswitch), read from `dns` at every
 * call rather than captured once, as `net.connect` itself does.
 */
const systemResolveAll: ResolveAll = (hostname, options, callback) =>
  dns.lookup(hostname, options, callback);

/**
 * A `lookup` for `net.connect`/`tls.connect` that judges every address a name resolves to
 * before the socket may use any of them. It always asks for all addresses, whatever the
 * caller asked: with `autoSelectFamily` (Happy Eyeballs, Node's default since 20) the socket
 * asks for all and tries them in turn; without it, it asks for one, and a resolver that
 * round-robins could otherwise hand a later connection the address not judged now.
 *
 * One refused address refuses the name: a public name that also answers 127.0.0.1 is the
 * shape of a rebinding attack, and connecting only to its public half would hide that.
 */
export function guardedLookup(
  policy: DestinationPolicy,
  resolveAll: ResolveAll = systemResolveAll,
): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolveAll(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, '');
        return;
      }
      for (const { address } of addresses) {
        const refusal = policy.refusalFor(address, hostname);
        if (refusal !== undefined) {
          callback(refusal, '');
          return;
        }
      }
      const [first] = addresses;
      if (first === undefined) {
        callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      } else if (options.all === true) {
        callback(null, addresses);
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}

/**
 * undici's `connect` option with the SSRF guard: every new connection (first attempt,
 * retry, or a pooled socket replaced after it closed) is judged at connect time.
 * - A literal IP host is judged here: `net.connect` never calls `lookup` for one.
 * - A name is resolved through `guardedLookup`, so DNS answers, `/etc/hosts` entries and a
 *   rebinding between two connections are all judged on the addresses actually used.
 * A refusal fails the connection with `DestinationNotAllowedError` before any socket is
 * opened; nothing reaches the network. Keep-alive pooling is undici's and is unchanged.
 *
 * `connect`: the underlying connector (undici's, with the guarded lookup, by default).
 */
export function guardedConnector(
  policy: DestinationPolicy,
  connect: buildConnector.connector = buildConnector({ lookup: guardedLookup(policy) }),
): buildConnector.connector {
  return (options, callback) => {
    // undici hands IPv6 literals over without their brackets.
    if (isIP(options.hostname) !== 0) {
      const refusal = policy.refusalFor(options.hostname);
      if (refusal !== undefined) {
        // Asynchronously, as a socket error would be: undici is still inside its connect call.
        queueMicrotask(() => callback(refusal, null));
        return;
      }
    }
    connect(options, callback);
  };
}
