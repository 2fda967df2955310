/**
 * Every Redis key of the per-destination circuit breakers, built from the service's key
 * prefix. The only place their names are spelled: scripts receive them as KEYS.
 *
 * One HASH per destination, named by its URL origin as is (`jobsched:breaker:https://host`),
 * so an operator can read a breaker with `redis-cli HGETALL`. Each script touches one key, so
 * under Redis Cluster the keys may live in any slot.
 */
export class BreakerKeys {
  private readonly base: string;

  constructor(prefix: string) {
    this.base = `${prefix}:breaker`;
  }

  /** HASH state, failures, retryAt, probe of one destination (absent: closed, no failures). */
  destination(origin: string): string {
    return `${this.base}:${origin}`;
  }

  /** A SCAN MATCH pattern for every breaker key (tests, a deliberate reset). */
  pattern(): string {
    return `${this.base}:*`;
  }
}
