import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { QueueKeys } from './queue-keys.js';
import { QUEUE_SCRIPTS, scriptFileUrl } from './queue-scripts.js';
import type { QueueScriptName } from './queue-scripts.js';

const names = Object.keys(QUEUE_SCRIPTS) as QueueScriptName[];
const keyNames = new Set(Object.keys(new QueueKeys('x')));

function parse(name: QueueScriptName): { header: string; body: string } {
  const source = readFileSync(scriptFileUrl(name), 'utf8');
  const match = /^--\[\[\n([\s\S]*?)\n\]\]\n([\s\S]*)$/.exec(source);
  if (!match) throw new Error(`${name}: no --[[ contract ]] header at the top`);
  return { header: match[1] ?? '', body: match[2] ?? '' };
}

/** BullMQ's lesson: contract headers drift from the code unless something checks them. */
describe('queue Lua scripts', () => {
  it('has a file for every registered script and registers every file', () => {
    const files = readdirSync(new URL('./commands/', import.meta.url)).sort();
    expect(files).toEqual(names.map((name) => `${name}-${QUEUE_SCRIPTS[name].keys}.lua`).sort());
  });

  it.each(names)('%s documents exactly the keys it is given, each a QueueKeys key', (name) => {
    const { header, body } = parse(name);
    expect(header).toMatch(/\n\s+Input:\n/);
    expect(header).toMatch(/\n\s+Output:\n/);

    const documented = [...header.matchAll(/KEYS\[(\d+)\] '(\w+)'/g)];
    expect(documented.map((m) => Number(m[1]))).toEqual(
      Array.from({ length: QUEUE_SCRIPTS[name].keys }, (_, i) => i + 1),
    );
    for (const [, , key] of documented) expect(keyNames).toContain(key);

    const used = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(Math.max(...used)).toBeLessThanOrEqual(QUEUE_SCRIPTS[name].keys);
  });

  it.each(names)('%s documents every fixed argument it reads', (name) => {
    const { header, body } = parse(name);
    for (const [argument] of body.matchAll(/ARGV\[\d+\]/g)) expect(header).toContain(argument);
  });
});
