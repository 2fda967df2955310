import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { luaScriptFileUrl } from '../redis/lua-scripts.js';
import { TenantLimiterKeys } from './redis-tenant-limiter.store.js';
import { TENANT_LIMITER_SCRIPT_SET, TENANT_LIMITER_SCRIPTS } from './tenant-limiter-scripts.js';
import type { TenantLimiterScriptName } from './tenant-limiter-scripts.js';

const names = Object.keys(TENANT_LIMITER_SCRIPTS) as TenantLimiterScriptName[];
const keyNames = new Set(
  Object.getOwnPropertyNames(TenantLimiterKeys.prototype).filter((name) => name !== 'constructor'),
);

function parse(name: TenantLimiterScriptName): { header: string; body: string } {
  const source = readFileSync(luaScriptFileUrl(TENANT_LIMITER_SCRIPT_SET, name), 'utf8');
  const match = /^--\[\[\n([\s\S]*?)\n\]\]\n([\s\S]*)$/.exec(source);
  if (!match) throw new Error(`${name}: no --[[ contract ]] header at the top`);
  return { header: match[1] ?? '', body: match[2] ?? '' };
}

/** The queue and breaker scripts' checks, for the tenant limiter's. */
describe('tenant limiter Lua scripts', () => {
  it('has a file for every registered script and registers every file', () => {
    const files = readdirSync(TENANT_LIMITER_SCRIPT_SET.directory).sort();
    expect(files).toEqual(
      names.map((name) => `${name}-${TENANT_LIMITER_SCRIPTS[name].keys}.lua`).sort(),
    );
  });

  it.each(names)('%s documents exactly the keys it is given, each a key of the builder', (name) => {
    const { header, body } = parse(name);
    expect(header).toMatch(/\n\s+Input:\n/);
    expect(header).toMatch(/\n\s+Output:\n/);
    const documented = [...header.matchAll(/KEYS\[(\d+)\] '(\w+)'/g)];
    expect(documented.map((m) => Number(m[1]))).toEqual(
      Array.from({ length: TENANT_LIMITER_SCRIPTS[name].keys }, (_, i) => i + 1),
    );
    for (const [, , key] of documented) expect(keyNames).toContain(key);
    const used = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(Math.max(...used)).toBeLessThanOrEqual(TENANT_LIMITER_SCRIPTS[name].keys);
  });

  it.each(names)('%s documents every argument it reads', (name) => {
    const { header, body } = parse(name);
    for (const [argument] of body.matchAll(/ARGV\[\d+\]/g)) expect(header).toContain(argument);
  });

  it('judges time by Redis TIME, never by an argument', () => {
    expect(parse('admitTenantExecution').body).toContain("rcall('TIME')");
  });
});
