/**
 * Every Redis key of one execution queue, built from the service's key prefix. The only place
 * key names are spelled: scripts receive them as KEYS, never build them.
 *
 * `{q}` is a Redis Cluster hash tag: only the text inside the braces is hashed, so all keys of
 * the queue land in one slot and a script may touch them together. The prefix stays in front
 * (`jobsched:{q}:ready`), so every key still starts with the configured prefix (ACL key
 * patterns, `SCAN MATCH prefix:*`); the cost is that two prefixes sharing one cluster share
 * that slot too.
 */
export class QueueKeys {
  /** ZSET id → due epoch ms: not yet due (new items and retries). */
  readonly delayed: string;
  /** ZSET id → due epoch ms: due and waiting for a worker; lowest score is served first. */
  readonly ready: string;
  /** ZSET id → lease deadline epoch ms: claimed by a worker. */
  readonly processing: string;
  /** HASH id → token of the lease holder; the fence every ack is checked against. */
  readonly leases: string;
  /** ZSET id → epoch ms it was dead-lettered. */
  readonly dead: string;
  /** HASH of counters: completed, failed, retrying. */
  readonly stats: string;

  constructor(prefix: string) {
    const base = `${prefix}:{q}`;
    this.delayed = `${base}:delayed`;
    this.ready = `${base}:ready`;
    this.processing = `${base}:processing`;
    this.leases = `${base}:leases`;
    this.dead = `${base}:dead`;
    this.stats = `${base}:stats`;
  }

  /** Every key, e.g. to delete the queue (tests, a deliberate reset). */
  all(): string[] {
    return [this.delayed, this.ready, this.processing, this.leases, this.dead, this.stats];
  }
}
