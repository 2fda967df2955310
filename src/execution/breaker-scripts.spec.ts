import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { luaScriptFileUrl } from '../redis/lua-scripts.js';
import { BreakerKeys } from './breaker-keys.js';
import { BREAKER_SCRIPT_SET, BREAKER_SCRIPTS } from './breaker-scripts.js';
import type { BreakerScriptName } from './breaker-scripts.js';

const names = Object.keys(BREAKER_SCRIPTS) as BreakerScriptName[];
/** The key builder's methods: each names one kind of key. */
const keyNames = new Set(
  Object.getOwnPropertyNames(BreakerKeys.prototype).filter((name) => name !== 'constructor'),
);

function parse(name: BreakerScriptName): { header: string; body: string } {
  const source = readFileSync(luaScriptFileUrl(BREAKER_SCRIPT_SET, name), 'utf8');
  const match = /^--\[\[\n([\s\S]*?)\n\]\]\n([\s\S]*)$/.exec(source);
  if (!match) throw new Error(`${name}: no --[[ contract ]] header at the top`);
  return { header: match[1] ?? '', body: match[2] ?? '' };
}

/** The queue scripts' checks, for the circuit breaker's: headers must not drift from code. */
describe('circuit breaker Lua scripts', () => {
  it('has a file for every registered script and registers every file', () => {
    const files = readdirSync(BREAKER_SCRIPT_SET.directory).sort();
    expect(files).toEqual(names.map((name) => `${name}-${BREAKER_SCRIPTS[name].keys}.lua`).sort());
  });

  it.each(names)('%s documents exactly the keys it is given, each a BreakerKeys key', (name) => {
    const { header, body } = parse(name);
    expect(header).toMatch(/\n\s+Input:\n/);
    expect(header).toMatch(/\n\s+Output:\n/);
    const documented = [...header.matchAll(/KEYS\[(\d+)\] '(\w+)'/g)];
    expect(documented.map((m) => Number(m[1]))).toEqual(
      Array.from({ length: BREAKER_SCRIPTS[name].keys }, (_, i) => i + 1),
    );
    for (const [, , key] of documented) expect(keyNames).toContain(key);
    const used = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(Math.max(...used)).toBeLessThanOrEqual(BREAKER_SCRIPTS[name].keys);
  });

  it.each(names)('%s documents every argument it reads', (name) => {
    const { header, body } = parse(name);
    for (const [argument] of body.matchAll(/ARGV\[\d+\]/g)) expect(header).toContain(argument);
  });

  it.each(names)('%s judges time by Redis TIME, never by an argument', (name) => {
    const { body } = parse(name);
    expect(body).toContain("rcall('TIME')");
  });
});
