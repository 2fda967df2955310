import type { WebhookOutcome } from './webhook-client.js';

/**
 * The per-destination circuit breaker's rules, as pure functions of a destination's record
 * and the store's "now". They are the specification every `CircuitBreakerStore` applies
 * atomically: the Redis store runs them as Lua (`commands/admitAttempt-1.lua`,
 * `commands/recordOutcome-1.lua`), and `test/execution/circuit-breaker-store.int-spec.ts`
 * checks that script and these functions answer alike, step by step. A store for another
 * backend applies these functions inside one transaction.
 *
 *   closed ──N consecutive failures──▶ open ──cooldown over, next attempt──▶ half_open
 *      ▲                                 ▲                                      │
 *      └────────── probe succeeds ───────┼──────────── probe fails ◀────────────┘
 *
 * - closed: every attempt is sent. A failure (connection failure or 5xx) adds one to the
 *   consecutive count, any success resets it; at `failureThreshold` the breaker opens.
 * - open: attempts are rejected (the caller delays them) until `retryAt`, `cooldownMs` after
 *   it opened. The first attempt at or after `retryAt` becomes the one probe (half-open).
 * - half_open: only the probe is out; others are rejected. The probe's outcome alone decides:
 *   success closes, anything else re-opens for another cooldown. Outcomes of other attempts
 *   (sent before the breaker opened) are stale and change nothing. If the probe never
 *   reports (its worker died), the next attempt after its lease becomes the probe.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerRecord {
  state: BreakerState;
  /** Consecutive failures: counting while closed, and the count that opened it otherwise. */
  failures: number;
  /** Epoch ms (store clock). open: when a probe may go; half_open: when the probe's lease ends. */
  retryAt: number;
  /** half_open: the attempt id of the probe in flight. */
  probe: string | null;
}

/** What a destination nobody has reported on looks like (a store keeps no record of it). */
export const CLOSED_RECORD: Readonly<BreakerRecord> = {
  state: 'closed',
  failures: 0,
  retryAt: 0,
  probe: null,
};

export interface BreakerPolicy {
  /** `WEBHOOK_BREAKER_FAILURES`: consecutive failures that open the breaker. */
  failureThreshold: number;
  /** `WEBHOOK_BREAKER_COOLDOWN_SECONDS` in ms: how long it stays open before one probe. */
  cooldownMs: number;
}

/** One attempt, as the breaker knows it. */
export interface BreakerAttempt {
  /** Unique per attempt (execution id and attempt number): the probe's identity. */
  id: string;
  /**
   * How long a probe may stay out before another attempt may probe instead: the attempt's
   * timeout plus a margin. Only used when the attempt becomes the probe.
   */
  probeLeaseMs: number;
}

export type Admission = 'send' | 'probe' | 'reject';
export type BreakerTransition = 'open' | 'half_open' | 'closed';

/**
 * What the destination did, for the breaker. Connection failures and 5xx are failures; any
 * other response shows the destination works (a 4xx is the job's problem, not the
 * destination's). `neutral` says nothing about the destination and counts for nothing,
 * except that it does not close a half-open breaker.
 */
export type BreakerVerdict = 'success' | 'failure' | 'neutral';

export interface AdmitDecision {
  admission: Admission;
  record: BreakerRecord;
  /** reject: ms until the breaker may admit another attempt (0 otherwise). */
  retryAfterMs: number;
  transition: BreakerTransition | null;
}

export interface OutcomeDecision {
  record: BreakerRecord;
  transition: BreakerTransition | null;
}

export function admitAttempt(
  record: Readonly<BreakerRecord>,
  nowMs: number,
  attempt: BreakerAttempt,
  policy: BreakerPolicy,
): AdmitDecision {
  if (record.state === 'closed') {
    return { admission: 'send', record: { ...record }, retryAfterMs: 0, transition: null };
  }
  if (nowMs < record.retryAt) {
    // While a probe is out its outcome is due within its lease, but usually much sooner:
    // waiting at most one cooldown keeps a recovered destination's backlog from waiting a
    // whole probe lease (the job's timeout, up to 90 s by default).
    const wait =
      record.state === 'half_open'
        ? Math.min(record.retryAt - nowMs, policy.cooldownMs)
        : record.retryAt - nowMs;
    return { admission: 'reject', record: { ...record }, retryAfterMs: wait, transition: null };
  }
  return {
    admission: 'probe',
    record: {
      state: 'half_open',
      failures: record.failures,
      retryAt: nowMs + attempt.probeLeaseMs,
      probe: attempt.id,
    },
    retryAfterMs: 0,
    transition: record.state === 'open' ? 'half_open' : null,
  };
}

export function recordOutcome(
  record: Readonly<BreakerRecord>,
  nowMs: number,
  attemptId: string,
  verdict: BreakerVerdict,
  policy: BreakerPolicy,
): OutcomeDecision {
  const reopen = (failures: number): OutcomeDecision => ({
    record: { state: 'open', failures, retryAt: nowMs + policy.cooldownMs, probe: null },
    transition: 'open',
  });
  switch (record.state) {
    case 'closed':
      if (verdict === 'success') return { record: { ...CLOSED_RECORD }, transition: null };
      if (verdict === 'neutral') return { record: { ...record }, transition: null };
      if (record.failures + 1 >= policy.failureThreshold) return reopen(record.failures + 1);
      return { record: { ...record, failures: record.failures + 1 }, transition: null };
    case 'open':
      return { record: { ...record }, transition: null };
    case 'half_open':
      if (record.probe !== attemptId) return { record: { ...record }, transition: null };
      if (verdict === 'success') return { record: { ...CLOSED_RECORD }, transition: 'closed' };
      return reopen(verdict === 'failure' ? record.failures + 1 : record.failures);
  }
}

/**
 * The breaker's reading of one attempt's outcome. A timeout after the request was sent is
 * `neutral`: job timeouts differ (a 1 s job to a destination that answers in 2 s would
 * otherwise shut the destination for every other job); a slow destination is what the
 * per-destination concurrency cap contains. A timeout before the request left (connecting)
 * is a connection failure. The worker's own shutdown is `neutral`.
 */
export function breakerVerdict(outcome: WebhookOutcome): BreakerVerdict {
  switch (outcome.kind) {
    case 'response':
      return outcome.status >= 500 ? 'failure' : 'success';
    case 'network-error':
      return 'failure';
    case 'timeout':
      return outcome.requestSent ? 'neutral' : 'failure';
    case 'aborted':
      return 'neutral';
    case 'not-allowed':
      // The SSRF guard refused the address before connecting: policy, not the destination's
      // health. Counting it would open the breaker and turn "destination not allowed"
      // (FAILED) into an endless delay.
      return 'neutral';
  }
}
