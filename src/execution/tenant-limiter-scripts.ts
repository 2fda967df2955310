import type { Redis } from 'ioredis';
import { LuaScripts } from '../redis/lua-scripts.js';
import type { LuaScriptSet } from '../redis/lua-scripts.js';

/** The tenant limiter's scripts and their number of keys (`commands/<name>-<keys>.lua`). */
export const TENANT_LIMITER_SCRIPTS = {
  admitTenantExecution: { keys: 2, readOnly: false },
  releaseTenantExecution: { keys: 1, readOnly: false },
} as const satisfies Record<string, { keys: number; readOnly: boolean }>;

export type TenantLimiterScriptName = keyof typeof TENANT_LIMITER_SCRIPTS;

export const TENANT_LIMITER_SCRIPT_SET: LuaScriptSet<TenantLimiterScriptName> = {
  // Bump the version whenever a script's keys, arguments or reply change.
  commandPrefix: 'jobsched_tenant_v1',
  scripts: TENANT_LIMITER_SCRIPTS,
  directory: new URL('./tenant-commands/', import.meta.url),
};

export class TenantLimiterScripts extends LuaScripts<TenantLimiterScriptName> {
  constructor(redis: Redis) {
    super(redis, TENANT_LIMITER_SCRIPT_SET);
  }
}
