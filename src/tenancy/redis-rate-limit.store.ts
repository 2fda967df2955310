import type { Redis } from 'ioredis';
import type { RateLimitHit } from './rate-limit.store.js';
import { RateLimitStore } from './rate-limit.store.js';

/**
 * A fixed window per key on Redis: the first hit creates the counter with the window's TTL
 * (`PEXPIRE .. NX`), later hits only increment it, all in one MULTI so the three commands
 * see the same counter. One round trip per request.
 */
export class RedisRateLimitStore extends RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {
    super();
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const redisKey = `${this.keyPrefix}:ratelimit:${key}`;
    const replies = await this.redis
      .multi()
      .incr(redisKey)
      .pexpire(redisKey, windowMs, 'NX')
      .pttl(redisKey)
      .exec();
    if (replies === null) throw new Error('rate-limit transaction was aborted');
    for (const [error] of replies) if (error) throw error;
    return {
      count: Number(replies[0]?.[1]),
      resetInMs: Math.max(Number(replies[2]?.[1]), 0),
    };
  }
}
