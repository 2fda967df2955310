import type { Redis } from 'ioredis';
import { BreakerKeys } from './breaker-keys.js';
import { BreakerScripts } from './breaker-scripts.js';
import type {
  Admission,
  BreakerAttempt,
  BreakerPolicy,
  BreakerState,
  BreakerTransition,
  BreakerVerdict,
} from './circuit-breaker.rules.js';
import { CircuitBreakerStore } from './circuit-breaker.store.js';
import type { AdmitResult, OutcomeResult } from './circuit-breaker.store.js';
import { UnexpectedBreakerReplyError } from './unexpected-breaker-reply.error.js';

/**
 * A destination's record expires this long after its last change: 24 hours. Longer than any
 * cooldown (at most 1 h) plus any probe lease (a timeout of at most 1 h plus a margin), so
 * no breaker forgets it is open before its probe; short enough that destinations nobody
 * calls any more do not pile up, and that a few failures a day apart never add up to
 * "consecutive".
 */
export const BREAKER_IDLE_EXPIRY_MS = 86_400_000;

const ADMISSIONS: readonly Admission[] = ['send', 'probe', 'reject'];
const STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];
const TRANSITIONS: readonly BreakerTransition[] = ['open', 'half_open', 'closed'];

/**
 * The circuit breakers on Redis: one HASH per destination (see `BreakerKeys`), changed only
 * by the two scripts in `./commands/`, each a single atomic step judged by Redis's `TIME`.
 */
export class RedisCircuitBreakerStore extends CircuitBreakerStore {
  private readonly keys: BreakerKeys;
  private readonly scripts: BreakerScripts;

  constructor(
    redis: Redis,
    keyPrefix: string,
    private readonly policy: BreakerPolicy,
  ) {
    super();
    this.keys = new BreakerKeys(keyPrefix);
    this.scripts = new BreakerScripts(redis);
  }

  async admit(destination: string, attempt: BreakerAttempt): Promise<AdmitResult> {
    requireNonEmpty('destination', destination);
    requireNonEmpty('attempt id', attempt.id);
    requirePositiveInteger('probeLeaseMs', attempt.probeLeaseMs);
    const reply = await this.scripts.run(
      'admitAttempt',
      [this.keys.destination(destination)],
      [attempt.id, attempt.probeLeaseMs, this.policy.cooldownMs, BREAKER_IDLE_EXPIRY_MS],
    );
    if (!Array.isArray(reply) || reply.length !== 6) {
      throw new UnexpectedBreakerReplyError('admitAttempt', reply);
    }
    const [admission, state, failures, retryAfterMs, transition, now] = reply as unknown[];
    return {
      admission: oneOf('admitAttempt', reply, admission, ADMISSIONS),
      state: oneOf('admitAttempt', reply, state, STATES),
      failures: integer('admitAttempt', reply, failures),
      retryAfterMs: integer('admitAttempt', reply, retryAfterMs),
      transition: transitionOf('admitAttempt', reply, transition),
      decidedAt: integer('admitAttempt', reply, now),
    };
  }

  async recordOutcome(
    destination: string,
    attemptId: string,
    verdict: BreakerVerdict,
  ): Promise<OutcomeResult> {
    requireNonEmpty('destination', destination);
    requireNonEmpty('attempt id', attemptId);
    const reply = await this.scripts.run(
      'recordOutcome',
      [this.keys.destination(destination)],
      [
        attemptId,
        verdict,
        this.policy.failureThreshold,
        this.policy.cooldownMs,
        BREAKER_IDLE_EXPIRY_MS,
      ],
    );
    if (!Array.isArray(reply) || reply.length !== 4) {
      throw new UnexpectedBreakerReplyError('recordOutcome', reply);
    }
    const [state, failures, transition, now] = reply as unknown[];
    return {
      state: oneOf('recordOutcome', reply, state, STATES),
      failures: integer('recordOutcome', reply, failures),
      transition: transitionOf('recordOutcome', reply, transition),
      decidedAt: integer('recordOutcome', reply, now),
    };
  }
}

function oneOf<T extends string>(
  script: string,
  reply: unknown,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
    return value as T;
  }
  throw new UnexpectedBreakerReplyError(script, reply);
}

function integer(script: string, reply: unknown, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new UnexpectedBreakerReplyError(script, reply);
}

function transitionOf(script: string, reply: unknown, value: unknown): BreakerTransition | null {
  return value === null ? null : oneOf(script, reply, value, TRANSITIONS);
}

function requireNonEmpty(name: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new RangeError(`${name} must be a non-empty string`);
  }
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}
