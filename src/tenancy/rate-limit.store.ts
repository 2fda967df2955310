/** One counted request against a key's budget. */
export interface RateLimitHit {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetInMs: number;
}

/**
 * Where the per-key request counts live. Every API replica must see the same counts, so it
 * is a shared store (Redis; PostgreSQL on the PostgreSQL-only backend), never process memory.
 */
export abstract class RateLimitStore {
  abstract hit(key: string, windowMs: number): Promise<RateLimitHit>;
}
