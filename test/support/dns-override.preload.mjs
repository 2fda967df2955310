// Preload for a child process the tests start (`NODE_OPTIONS=--import <this file>`): answers
// `dns.lookup` and `dns.promises.lookup` for the names in JOBSCHED_TEST_DNS_OVERRIDES (JSON:
// `{"name": ["127.0.0.1", ...]}`) as an /etc/hosts line would, and leaves every other name
// to the system resolver. It lets the SSRF guard's end-to-end test map a name to 127.0.0.1
// for the worker process only, without a test switch in the service's code.
import dns from 'node:dns';
import { isIP } from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

const overrides = new Map(
  Object.entries(JSON.parse(process.env.JOBSCHED_TEST_DNS_OVERRIDES ?? '{}')),
);
const originalLookup = dns.lookup;
const originalPromisesLookup = dns.promises.lookup;

function answer(hostname, options) {
  const addresses = overrides.get(hostname.toLowerCase());
  if (addresses === undefined) return undefined;
  const family =
    options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
  return addresses
    .map((address) => ({ address, family: isIP(address) }))
    .filter((entry) => family === 0 || entry.family === family);
}

function normalise(options) {
  return typeof options === 'number' ? { family: options } : (options ?? {});
}

dns.lookup = function lookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const opts = normalise(typeof options === 'function' ? undefined : options);
  const found = answer(hostname, opts);
  if (found === undefined) return originalLookup.call(dns, hostname, options, callback);
  process.nextTick(() => {
    if (found.length === 0) {
      done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    } else if (opts.all) done(null, found);
    else done(null, found[0].address, found[0].family);
  });
  return {};
};

dns.promises.lookup = async function lookup(hostname, options) {
  const opts = normalise(options);
  const found = answer(hostname, opts);
  if (found === undefined) return originalPromisesLookup.call(dns.promises, hostname, options);
  if (found.length === 0) {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  }
  return opts.all ? found : found[0];
};

// Named ESM imports of `node:dns` (`import { lookup } from 'node:dns'`) see the patch too.
syncBuiltinESMExports();
