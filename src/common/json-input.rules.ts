/**
 * Rules every value a client sends must meet, whatever the field, checked before anything
 * else looks at it (class-transformer, class-validator, TypeORM, PostgreSQL). They exist
 * because each breaks something downstream with a 500 or a silent change instead of a 400:
 *
 * - depth: class-transformer copies a value recursively and overflows the call stack before
 *   any validator runs (measured on Node 20: `RangeError` from about 1,300 nested arrays or
 *   2,500 nested objects). JSON.parse and this walk are iterative, so the cap applies first.
 * - NUL (U+0000): PostgreSQL rejects it in `text` ("invalid byte sequence") and in `jsonb`
 *   ("unsupported Unicode escape sequence").
 * - unpaired surrogates (U+D800–U+DFFF alone): `jsonb` rejects them ("invalid input syntax for
 *   type json") and `text` silently stores U+FFFD instead.
 * - keys that name a member of `Object.prototype` (`__proto__`, `constructor`, `toString`,
 *   `hasOwnProperty`, ...) or `prototype`: each library on the way treats them as the
 *   inherited member. Nest's ValidationPipe deletes `__proto__`, `constructor` and
 *   `prototype`; class-transformer skips all of them, so an unknown field of such a name
 *   passed unnoticed; TypeORM's `create` drops one whose value is an object (and merges that
 *   value into the inherited function), and its change detection calls
 *   `value.hasOwnProperty(key)`, so a job holding that key could never be PATCHed (a 500).
 * - numbers beyond ±1.8e308: JSON.parse turns them into `Infinity`, which JSON.stringify
 *   stores as `null`.
 */

/**
 * Levels a field's value may nest: `{}` or `[]` is one, `{"a": []}` two. 32 is far beyond any
 * webhook payload seen in practice and far below the ~1,300 where recursion fails.
 */
export const MAX_JSON_NESTING = 32;

/** The keys refused anywhere in a request (see above): 13 names on Node 20. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

export interface JsonInputProblem {
  /** The field at fault, as a path: `httpBody.items[3].label`. */
  field: string;
  message: string;
}

interface Pending {
  value: unknown;
  /** Where the value is: `httpBody.items[3]`; `''` for the root. */
  path: string;
  /** The top-level field it belongs to: `httpBody`. */
  field: string;
  depth: number;
}

/**
 * The first value in `input` that breaks a rule above, or `undefined`. `input` is the parsed
 * request body or query object; its own keys are the top-level fields, and `rootName` names
 * the input itself when it is a bare string or number. Iterative (an explicit stack), so any
 * depth is safe to walk; the walk stops at the first problem.
 */
export function findJsonInputProblem(
  input: unknown,
  rootName = 'body',
): JsonInputProblem | undefined {
  const stack: Pending[] = [{ value: input, path: '', field: rootName, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, depth, field } = next;
    const path = next.path === '' ? rootName : next.path;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem !== undefined) return { field: path, message: `${path} ${problem}` };
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        return { field: path, message: `${path} must be a finite number` };
      }
    } else if (value !== null && typeof value === 'object') {
      if (depth > MAX_JSON_NESTING) {
        return { field, message: `${field} must not nest deeper than ${MAX_JSON_NESTING} levels` };
      }
      const problem = pushChildren(value, next, stack);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function pushChildren(
  value: object,
  parent: Pending,
  stack: Pending[],
): JsonInputProblem | undefined {
  const depth = parent.depth + 1;
  const fieldOf = (path: string): string => (parent.depth === 0 ? path : parent.field);
  if (Array.isArray(value)) {
    const items = value as unknown[];
    for (let index = 0; index < items.length; index += 1) {
      const path = `${parent.path}[${index}]`;
      stack.push({ value: items[index], path, field: fieldOf(path), depth });
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const path = joinPath(parent.path, key);
    if (FORBIDDEN_KEYS.has(key)) {
      return {
        field: path,
        message: `${path} is not accepted: keys that name a member of Object.prototype (such as __proto__, constructor, toString) or "prototype" are refused`,
      };
    }
    const keyProblem = textProblem(key);
    if (keyProblem !== undefined) {
      return { field: path, message: `${path}: the key ${keyProblem}` };
    }
    stack.push({ value: item, path, field: fieldOf(path), depth });
  }
  return undefined;
}

/** What PostgreSQL cannot store in a string, said as the rest of a sentence. */
export function textProblem(text: string): string | undefined {
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return `must not contain NUL (U+0000, at index ${nul})`;
  const surrogate = unpairedSurrogateIndex(text);
  if (surrogate !== -1) {
    const code = text.charCodeAt(surrogate).toString(16).toUpperCase();
    return `must not contain an unpaired surrogate (U+${code}, at index ${surrogate})`;
  }
  return undefined;
}

/** Index of the first UTF-16 surrogate that is not half of a pair, or -1. */
function unpairedSurrogateIndex(text: string): number {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0xd800 || code > 0xdfff) continue;
    const isHigh = code <= 0xdbff;
    const next = text.charCodeAt(index + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      index += 1; // a well-formed pair
      continue;
    }
    return index;
  }
  return -1;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;
/** Long keys are shortened in messages: a 60 KiB key need not come back in the 400. */
const MAX_KEY_IN_MESSAGE = 64;

/** `parent.key`, or `parent["odd key"]` for a key that is not a plain name. */
export function joinPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key) && key.length <= MAX_KEY_IN_MESSAGE) {
    return parent === '' ? key : `${parent}.${key}`;
  }
  const shown = key.length > MAX_KEY_IN_MESSAGE ? `${key.slice(0, MAX_KEY_IN_MESSAGE)}…` : key;
  // JSON.stringify escapes NUL and unpaired surrogates, so the message itself is storable.
  const quoted = JSON.stringify(shown);
  return parent === '' ? quoted : `${parent}[${quoted}]`;
}
