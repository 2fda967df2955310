import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * Part of every command name. Bump it whenever a script's contract (keys, arguments, reply)
 * changes, so two builds sharing one connection (or one Redis, through monitoring tools)
 * can never run each other's script under the same name.
 */
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

export function scriptFileUrl(name: QueueScriptName): URL {
  // Resolved beside this module: src/ under Jest, dist/ after the build copies **/*.lua.
  return new URL(`./commands/${name}-${QUEUE_SCRIPTS[name].keys}.lua`, import.meta.url);
}

export function commandName(name: QueueScriptName): string {
  return `jobsched_${SCRIPTS_VERSION}_${name}`;
}

type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

let sources: ReadonlyMap<QueueScriptName, string> | undefined;

function loadSources(): ReadonlyMap<QueueScriptName, string> {
  sources ??= new Map(
    Object.keys(QUEUE_SCRIPTS).map((name) => {
      const script = name as QueueScriptName;
      return [script, readFileSync(scriptFileUrl(script), 'utf8')];
    }),
  );
  return sources;
}

/**
 * The queue's Lua scripts on one connection. `defineCommand` sends EVALSHA and falls back to
 * EVAL on NOSCRIPT (after a SCRIPT FLUSH, a restart or a failover), so nothing needs loading
 * up front. Defined once per connection: a second queue on the same connection reuses them.
 */
export class QueueScripts {
  constructor(private readonly redis: Redis) {
    for (const [name, lua] of loadSources()) {
      if (this.commandOf(name) !== undefined) continue;
      const { keys, readOnly } = QUEUE_SCRIPTS[name];
      redis.defineCommand(commandName(name), { numberOfKeys: keys, lua, readOnly });
    }
  }

  run(
    name: QueueScriptName,
    keys: readonly string[],
    args: readonly (string | number)[] = [],
  ): Promise<unknown> {
    if (keys.length !== QUEUE_SCRIPTS[name].keys) {
      throw new RangeError(`${name} takes ${QUEUE_SCRIPTS[name].keys} keys, got ${keys.length}`);
    }
    const command = this.commandOf(name);
    if (command === undefined) throw new Error(`${commandName(name)} is not defined`);
    return command.apply(this.redis, [...keys, ...args]);
  }

  private commandOf(name: QueueScriptName): ScriptCommand | undefined {
    // defineCommand adds a method under a runtime name, which ioredis' types cannot know.
    return (this.redis as unknown as Record<string, ScriptCommand | undefined>)[commandName(name)];
  }
}
