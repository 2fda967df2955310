import type { Redis } from 'ioredis';
import { LuaScripts, luaCommandName, luaScriptFileUrl } from '../redis/lua-scripts.js';
import type { LuaScriptSet } from '../redis/lua-scripts.js';

/** Part of every command name; see `LuaScriptSet.commandPrefix` for when to bump it. */
export const SCRIPTS_VERSION = 'v1';

/**
 * Every queue script and its number of keys. The file is `commands/<name>-<keys>.lua`, so a
 * wrong count here fails at load time instead of silently shifting KEYS into ARGV.
 */
export const QUEUE_SCRIPTS = {
  addItems: { keys: 3, readOnly: false },
  claimItems: { keys: 4, readOnly: false },
  extendLeases: { keys: 2, readOnly: false },
  completeItem: { keys: 3, readOnly: false },
  retryItem: { keys: 4, readOnly: false },
  deadLetterItem: { keys: 3, readOnly: false },
  releaseItems: { keys: 3, readOnly: false },
  requeueExpiredLeases: { keys: 3, readOnly: false },
  removeItems: { keys: 2, readOnly: false },
  findMissingItems: { keys: 3, readOnly: true },
  readStats: { keys: 5, readOnly: true },
} as const satisfies Record<string, { keys: number; readOnly: boolean }>;

export type QueueScriptName = keyof typeof QUEUE_SCRIPTS;

const QUEUE_SCRIPT_SET: LuaScriptSet<QueueScriptName> = {
  commandPrefix: `jobsched_${SCRIPTS_VERSION}`,
  scripts: QUEUE_SCRIPTS,
  // Resolved beside this module: src/ under Jest, dist/ after the build copies **/*.lua.
  directory: new URL('./commands/', import.meta.url),
};

export function scriptFileUrl(name: QueueScriptName): URL {
  return luaScriptFileUrl(QUEUE_SCRIPT_SET, name);
}

export function commandName(name: QueueScriptName): string {
  return luaCommandName(QUEUE_SCRIPT_SET, name);
}

/** The queue's Lua scripts on one connection (see `LuaScripts`). */
export class QueueScripts extends LuaScripts<QueueScriptName> {
  constructor(redis: Redis) {
    super(redis, QUEUE_SCRIPT_SET);
  }
}
