import { describe, expect, it } from '@jest/globals';
import type { LookupAddress, LookupAllOptions, LookupOptions } from 'node:dns';
import type { buildConnector } from 'undici';
import { DestinationNotAllowedError } from '../outbound/destination-not-allowed.error.js';
import { DestinationPolicy } from '../outbound/destination-policy.js';
import { guardedConnector, guardedLookup } from './guarded-connector.js';
import type { ResolveAll } from './guarded-connector.js';

// No test here opens a socket: the resolver and the underlying connector are fakes, so
// even a broken guard could not send anything to the addresses below.

const strict = DestinationPolicy.publicOnly();

interface LookupResult {
  error: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family: number | undefined;
}

/** A resolver that answers `answer` and records what it was asked. */
function fakeResolver(answer: LookupAddress[] | NodeJS.ErrnoException): {
  resolve: ResolveAll;
  asked: Array<{ hostname: string; options: LookupAllOptions }>;
} {
  const asked: Array<{ hostname: string; options: LookupAllOptions }> = [];
  const resolve: ResolveAll = (hostname, options, callback) => {
    asked.push({ hostname, options });
    if (answer instanceof Error) callback(answer, []);
    else callback(null, answer);
  };
  return { resolve, asked };
}

function lookup(
  policy: DestinationPolicy,
  resolve: ResolveAll,
  hostname: string,
  options: LookupOptions,
): Promise<LookupResult> {
  return new Promise((resolveResult) => {
    guardedLookup(policy, resolve)(hostname, options, (error, address, family) =>
      resolveResult({ error, address, family }),
    );
  });
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

describe('guardedLookup', () => {
  it('returns every address when all are public and the socket asks for all', async () => {
    const answer = [v4('93.184.216.34'), v6('2606:2800:220:1::1')];
    const { resolve } = fakeResolver(answer);
    const result = await lookup(strict, resolve, 'example.com', { all: true });
    expect(result).toEqual({ error: null, address: answer, family: undefined });
  });

  it('returns the first address when the socket asks for one, having judged them all', async () => {
    const { resolve, asked } = fakeResolver([v4('93.184.216.34'), v4('93.184.216.35')]);
    const result = await lookup(strict, resolve, 'example.com', { family: 4, hints: 32 });
    expect(result).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    // The socket's family and hints are kept; all addresses are always asked for.
    expect(asked).toEqual([
      { hostname: 'example.com', options: { family: 4, hints: 32, all: true } },
    ]);
  });

  it.each<[string, LookupOptions]>([
    ['all addresses (Happy Eyeballs)', { all: true }],
    ['one address', {}],
  ])(
    'refuses a name with one internal address among public ones, asked for %s',
    async (_name, options) => {
      const { resolve } = fakeResolver([v4('93.184.216.34'), v4('127.0.0.1')]);
      const result = await lookup(strict, resolve, 'rebind.example', options);
      expect(result.error).toBeInstanceOf(DestinationNotAllowedError);
      expect(result.error?.message).toBe(
        'destination not allowed: rebind.example resolved to 127.0.0.1, a loopback address (WEBHOOK_ALLOWED_CIDRS / WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
      );
    },
  );

  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['10.0.0.7', 'private'],
    ['::1', 'loopback'],
  ])('refuses a name resolving to %s (%s)', async (address, addressClass) => {
    const { resolve } = fakeResolver([address.includes(':') ? v6(address) : v4(address)]);
    const result = await lookup(strict, resolve, 'metadata.internal', { all: true });
    expect(result.error).toMatchObject({ code: 'DESTINATION_NOT_ALLOWED', addressClass });
  });

  it('lets private addresses through with the opt-out', async () => {
    const optOut = new DestinationPolicy({ allowPrivateNetworks: true, allowedCidrs: [] });
    const { resolve } = fakeResolver([v4('127.0.0.1'), v6('::1')]);
    const result = await lookup(optOut, resolve, 'localhost', { all: true });
    expect(result.error).toBeNull();
    expect(result.address).toEqual([v4('127.0.0.1'), v6('::1')]);
  });

  it('passes a resolver error through unchanged', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), {
      code: 'ENOTFOUND',
    });
    const { resolve } = fakeResolver(notFound);
    const result = await lookup(strict, resolve, 'nowhere.invalid', { all: true });
    expect(result.error).toBe(notFound);
  });

  it('reports an empty answer as not found', async () => {
    const { resolve } = fakeResolver([]);
    const result = await lookup(strict, resolve, 'empty.example', {});
    expect(result.error).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('guardedConnector', () => {
  /** The connector undici would call next, recording instead of connecting. */
  function recordingConnector(): {
    connect: buildConnector.connector;
    calls: buildConnector.Options[];
  } {
    const calls: buildConnector.Options[] = [];
    const connect: buildConnector.connector = (options, callback) => {
      calls.push(options);
      queueMicrotask(() => callback(new Error('recorded, not connected'), null));
    };
    return { connect, calls };
  }

  function connectThrough(
    policy: DestinationPolicy,
    hostname: string,
  ): { calls: buildConnector.Options[]; result: Promise<Error | null>; synchronous: boolean } {
    const { connect, calls } = recordingConnector();
    let settled = false;
    const result = new Promise<Error | null>((resolve) => {
      guardedConnector(policy, connect)({ hostname, protocol: 'http:', port: '80' }, (...args) => {
        settled = true;
        resolve(args[0]);
      });
    });
    return { calls, result, synchronous: settled };
  }

  it.each(['169.254.169.254', '127.0.0.1', '::1', '::ffff:7f00:1', '0.0.0.0', 'fe80::1'])(
    'refuses the literal address %s without connecting, asynchronously',
    async (hostname) => {
      const attempt = connectThrough(strict, hostname);
      expect(attempt.synchronous).toBe(false);
      expect(await attempt.result).toBeInstanceOf(DestinationNotAllowedError);
      expect(attempt.calls).toEqual([]);
    },
  );

  it('hands a public literal address and any name to the underlying connector', () => {
    for (const hostname of ['93.184.216.34', '2606:4700:4700::1111', 'example.com', 'localhost']) {
      const attempt = connectThrough(strict, hostname);
      expect(attempt.calls).toEqual([{ hostname, protocol: 'http:', port: '80' }]);
    }
  });

  it('hands an allowed private literal to the underlying connector', () => {
    const allowed = new DestinationPolicy({
      allowPrivateNetworks: false,
      allowedCidrs: ['127.0.0.0/8'],
    });
    expect(connectThrough(allowed, '127.0.0.1').calls).toHaveLength(1);
  });
});
