import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export interface LuaScriptSpec {
  /** Number of KEYS; also part of the file name, so a wrong count fails at load time. */
  readonly keys: number;
  readonly readOnly: boolean;
}

/**
 * One family of Lua scripts: the queue's, the circuit breaker's. Each script is the file
 * `<directory>/<name>-<keys>.lua` and runs as the command `<commandPrefix>_<name>`.
 */
export interface LuaScriptSet<Name extends string> {
  /**
   * Part of every command name, with a version in it. Bump the version whenever a script's
   * contract (keys, arguments, reply) changes, so two builds sharing one connection (or one
   * Redis, through monitoring tools) can never run each other's script under the same name.
   */
  readonly commandPrefix: string;
  readonly scripts: Readonly<Record<Name, LuaScriptSpec>>;
  /** The folder of the `.lua` files, resolved beside the owning module (src/ or dist/). */
  readonly directory: URL;
}

export function luaScriptFileUrl<Name extends string>(set: LuaScriptSet<Name>, name: Name): URL {
  return new URL(`${name}-${set.scripts[name].keys}.lua`, set.directory);
}

export function luaCommandName<Name extends string>(set: LuaScriptSet<Name>, name: Name): string {
  return `${set.commandPrefix}_${name}`;
}

type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** Sources by file URL: read once per process, whatever the number of connections. */
const sources = new Map<string, string>();

function sourceOf(url: URL): string {
  let source = sources.get(url.href);
  if (source === undefined) {
    source = readFileSync(url, 'utf8');
    sources.set(url.href, source);
  }
  return source;
}

/**
 * A set of Lua scripts on one connection. `defineCommand` sends EVALSHA and falls back to
 * EVAL on NOSCRIPT (after a SCRIPT FLUSH, a restart or a failover), so nothing needs loading
 * up front. Defined once per connection: a second user of the same set on the same
 * connection reuses them.
 */
export class LuaScripts<Name extends string> {
  constructor(
    private readonly redis: Redis,
    private readonly set: LuaScriptSet<Name>,
  ) {
    for (const name of Object.keys(set.scripts) as Name[]) {
      if (this.commandOf(name) !== undefined) continue;
      const { keys, readOnly } = set.scripts[name];
      const lua = sourceOf(luaScriptFileUrl(set, name));
      redis.defineCommand(luaCommandName(set, name), { numberOfKeys: keys, lua, readOnly });
    }
  }

  run(
    name: Name,
    keys: readonly string[],
    args: readonly (string | number)[] = [],
  ): Promise<unknown> {
    const expected = this.set.scripts[name].keys;
    if (keys.length !== expected) {
      throw new RangeError(`${name} takes ${expected} keys, got ${keys.length}`);
    }
    const command = this.commandOf(name);
    if (command === undefined) throw new Error(`${luaCommandName(this.set, name)} is not defined`);
    return command.apply(this.redis, [...keys, ...args]);
  }

  private commandOf(name: Name): ScriptCommand | undefined {
    // defineCommand adds a method under a runtime name, which ioredis' types cannot know.
    return (this.redis as unknown as Record<string, ScriptCommand | undefined>)[
      luaCommandName(this.set, name)
    ];
  }
}
