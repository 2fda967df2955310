import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address?: string | LookupAddress[],
  family?: number,
) => void;

/**
 * Answers `dns.lookup` in this process for the names in `answers` (read at every call, so a
 * test can change an answer between two connections: DNS rebinding) and leaves other names
 * to the system resolver. Returns the function that restores the real `dns.lookup`.
 * Child processes get the same through `dns-override.preload.mjs`.
 */
export function overrideDnsLookup(answers: ReadonlyMap<string, readonly string[]>): () => void {
  const original = dns.lookup;
  function lookup(
    hostname: string,
    options: LookupOptions | number | LookupCallback,
    callback?: LookupCallback,
  ): void {
    const found = answers.get(hostname);
    if (found === undefined) {
      Reflect.apply(
        original,
        dns,
        [hostname, options, callback].filter((arg) => arg !== undefined),
      );
      return;
    }
    const done = typeof options === 'function' ? options : callback;
    const all = typeof options === 'object' && options.all === true;
    const addresses = found.map((address) => ({ address, family: isIP(address) }));
    process.nextTick(() => {
      const [first] = addresses;
      if (first === undefined) done?.(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
      else if (all) done?.(null, addresses);
      else done?.(null, first.address, first.family);
    });
  }
  Object.assign(dns, { lookup });
  return () => {
    Object.assign(dns, { lookup: original });
  };
}
