import type { Redis } from 'ioredis';
import { LuaScripts } from '../redis/lua-scripts.js';
import type { LuaScriptSet } from '../redis/lua-scripts.js';

/** Every circuit-breaker script and its number of keys (`commands/<name>-<keys>.lua`). */
export const BREAKER_SCRIPTS = {
  admitAttempt: { keys: 1, readOnly: false },
  recordOutcome: { keys: 1, readOnly: false },
} as const satisfies Record<string, { keys: number; readOnly: boolean }>;

export type BreakerScriptName = keyof typeof BREAKER_SCRIPTS;

export const BREAKER_SCRIPT_SET: LuaScriptSet<BreakerScriptName> = {
  // Bump the version whenever a script's keys, arguments or reply change.
  commandPrefix: 'jobsched_breaker_v1',
  scripts: BREAKER_SCRIPTS,
  // Resolved beside this module: src/ under Jest, dist/ after the build copies **/*.lua.
  directory: new URL('./commands/', import.meta.url),
};

/** The circuit breaker's Lua scripts on one connection (see `LuaScripts`). */
export class BreakerScripts extends LuaScripts<BreakerScriptName> {
  constructor(redis: Redis) {
    super(redis, BREAKER_SCRIPT_SET);
  }
}
