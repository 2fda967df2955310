/** Argument checks both queue backends apply before touching their store. */

export function requireId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new RangeError('an item id must be a non-empty string');
  }
}

export function requireToken(token: string): void {
  if (typeof token !== 'string' || token.length === 0) {
    throw new RangeError('a lease token must be a non-empty string');
  }
}

export function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

export function requireDelay(delayMs: number): void {
  if (!Number.isSafeInteger(delayMs) || delayMs < 0) {
    throw new RangeError(`delayMs must be a non-negative integer, got ${delayMs}`);
  }
}

export function requireDueAt(id: string, dueAt: number): void {
  if (!Number.isSafeInteger(dueAt)) {
    throw new RangeError(`dueAt of ${id} must be an integer epoch ms, got ${dueAt}`);
  }
}
