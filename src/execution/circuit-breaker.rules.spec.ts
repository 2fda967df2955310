import { describe, expect, it } from '@jest/globals';
import {
  CLOSED_RECORD,
  admitAttempt,
  breakerVerdict,
  recordOutcome,
} from './circuit-breaker.rules.js';
import type {
  BreakerPolicy,
  BreakerRecord,
  BreakerTransition,
  BreakerVerdict,
} from './circuit-breaker.rules.js';
import type { WebhookOutcome } from './webhook-client.js';

const policy: BreakerPolicy = { failureThreshold: 3, cooldownMs: 30_000 };
const T0 = Date.UTC(2026, 0, 1);
const lease = 95_000;

/**
 * A breaker driven through the rules with an injected clock: `at` moves time, every call
 * returns what the rules said and keeps the record, as a store would.
 */
class Breaker {
  record: BreakerRecord = { ...CLOSED_RECORD };
  now = T0;
  readonly transitions: BreakerTransition[] = [];

  at(ms: number): this {
    this.now = T0 + ms;
    return this;
  }

  admit(id: string, probeLeaseMs = lease) {
    const decision = admitAttempt(this.record, this.now, { id, probeLeaseMs }, policy);
    this.record = decision.record;
    if (decision.transition) this.transitions.push(decision.transition);
    return decision;
  }

  report(id: string, verdict: BreakerVerdict) {
    const decision = recordOutcome(this.record, this.now, id, verdict, policy);
    this.record = decision.record;
    if (decision.transition) this.transitions.push(decision.transition);
    return decision;
  }

  /** Three failures at `ms`: opens a closed breaker. */
  trip(ms = 0): this {
    this.at(ms);
    for (const id of ['f1', 'f2', 'f3']) this.report(id, 'failure');
    return this;
  }
}

describe('circuit breaker rules: closed', () => {
  it('sends every attempt and changes nothing by admitting', () => {
    const breaker = new Breaker();
    for (let i = 0; i < 10; i++) {
      expect(breaker.admit(`a${i}`)).toMatchObject({ admission: 'send', transition: null });
    }
    expect(breaker.record).toEqual(CLOSED_RECORD);
  });

  it('opens on the threshold-th consecutive failure, for one cooldown of the store clock', () => {
    const breaker = new Breaker().at(1_000);
    breaker.report('a', 'failure');
    breaker.report('b', 'failure');
    expect(breaker.record).toMatchObject({ state: 'closed', failures: 2 });
    expect(breaker.transitions).toEqual([]);

    const third = breaker.at(2_500).report('c', 'failure');
    expect(third.transition).toBe('open');
    expect(breaker.record).toEqual({
      state: 'open',
      failures: 3,
      retryAt: T0 + 2_500 + policy.cooldownMs,
      probe: null,
    });
  });

  it('resets the count on any success, so only consecutive failures open it', () => {
    const breaker = new Breaker();
    const verdicts: BreakerVerdict[] = ['failure', 'failure', 'success', 'failure', 'failure'];
    verdicts.forEach((verdict, i) => breaker.report(`a${i}`, verdict));
    expect(breaker.record).toMatchObject({ state: 'closed', failures: 2 });
    breaker.report('a5', 'success');
    expect(breaker.record).toEqual(CLOSED_RECORD);
  });

  it('counts a neutral outcome as neither failure nor success', () => {
    const breaker = new Breaker();
    breaker.report('a', 'failure');
    breaker.report('b', 'failure');
    breaker.report('c', 'neutral');
    expect(breaker.record).toMatchObject({ state: 'closed', failures: 2 });
    expect(breaker.report('d', 'failure').transition).toBe('open');
  });

  it('with a threshold of 1, the first failure opens it', () => {
    const decision = recordOutcome(CLOSED_RECORD, T0, 'a', 'failure', {
      failureThreshold: 1,
      cooldownMs: 1_000,
    });
    expect(decision).toEqual({
      record: { state: 'open', failures: 1, retryAt: T0 + 1_000, probe: null },
      transition: 'open',
    });
  });
});

describe('circuit breaker rules: open', () => {
  it('rejects attempts until the cooldown is over, saying how long is left', () => {
    const breaker = new Breaker().trip(0);
    expect(breaker.at(1).admit('x')).toMatchObject({
      admission: 'reject',
      retryAfterMs: policy.cooldownMs - 1,
    });
    expect(breaker.at(policy.cooldownMs - 1).admit('y')).toMatchObject({
      admission: 'reject',
      retryAfterMs: 1,
    });
    expect(breaker.record.state).toBe('open');
  });

  it('ignores outcomes while open: they are of attempts sent before it opened', () => {
    const breaker = new Breaker().trip(0);
    const opened = { ...breaker.record };
    expect(breaker.at(10).report('late-success', 'success').transition).toBeNull();
    expect(breaker.at(20).report('late-failure', 'failure').transition).toBeNull();
    expect(breaker.record).toEqual(opened);
  });

  it('makes the first attempt at the end of the cooldown the one probe (half-open)', () => {
    const breaker = new Breaker().trip(0);
    const probe = breaker.at(policy.cooldownMs).admit('probe', 7_000);
    expect(probe).toMatchObject({ admission: 'probe', transition: 'half_open' });
    expect(breaker.record).toEqual({
      state: 'half_open',
      failures: 3,
      retryAt: T0 + policy.cooldownMs + 7_000,
      probe: 'probe',
    });
  });
});

describe('circuit breaker rules: half-open', () => {
  function halfOpen(): Breaker {
    const breaker = new Breaker().trip(0);
    breaker.at(policy.cooldownMs).admit('probe');
    return breaker;
  }

  it('rejects everyone else while the probe is out, for at most one cooldown', () => {
    const breaker = halfOpen();
    for (const id of ['x', 'y', 'z']) {
      expect(breaker.at(policy.cooldownMs + 10).admit(id)).toMatchObject({
        admission: 'reject',
        // The probe's lease (95 s) is longer than a cooldown: ask again after one cooldown.
        retryAfterMs: policy.cooldownMs,
        transition: null,
      });
    }
    expect(breaker.at(policy.cooldownMs + lease - 5).admit('w').retryAfterMs).toBe(5);
    expect(breaker.record.probe).toBe('probe');
  });

  it('closes when the probe succeeds, with the count reset', () => {
    const breaker = halfOpen();
    expect(breaker.at(policy.cooldownMs + 50).report('probe', 'success').transition).toBe('closed');
    expect(breaker.record).toEqual(CLOSED_RECORD);
    expect(breaker.admit('next').admission).toBe('send');
    expect(breaker.transitions).toEqual(['open', 'half_open', 'closed']);
  });

  it('re-opens for another cooldown when the probe fails, counting the failure', () => {
    const breaker = halfOpen();
    const failedAt = policy.cooldownMs + 200;
    expect(breaker.at(failedAt).report('probe', 'failure').transition).toBe('open');
    expect(breaker.record).toEqual({
      state: 'open',
      failures: 4,
      retryAt: T0 + failedAt + policy.cooldownMs,
      probe: null,
    });
    expect(breaker.at(failedAt + policy.cooldownMs - 1).admit('x').admission).toBe('reject');
    expect(breaker.at(failedAt + policy.cooldownMs).admit('probe-2').admission).toBe('probe');
  });

  it('re-opens when the probe proves nothing (timeout after sending, shutdown)', () => {
    const breaker = halfOpen();
    expect(breaker.at(policy.cooldownMs + 90_000).report('probe', 'neutral').transition).toBe(
      'open',
    );
    expect(breaker.record).toMatchObject({ state: 'open', failures: 3 });
  });

  it('ignores the outcomes of attempts other than the probe', () => {
    const breaker = halfOpen();
    const before = { ...breaker.record };
    expect(breaker.report('sent-before-it-opened', 'success').transition).toBeNull();
    expect(breaker.report('another', 'failure').transition).toBeNull();
    expect(breaker.record).toEqual(before);
  });

  it('hands the probe to the next attempt once the lost probe lease has run out', () => {
    const breaker = halfOpen();
    const takeover = breaker.at(policy.cooldownMs + lease).admit('second-probe');
    // Still half-open: no transition, only a new probe.
    expect(takeover).toMatchObject({ admission: 'probe', transition: null });
    expect(breaker.record.probe).toBe('second-probe');
    // The first probe, if it ever reports, no longer decides anything.
    expect(breaker.report('probe', 'failure').transition).toBeNull();
    expect(breaker.report('second-probe', 'success').transition).toBe('closed');
  });
});

describe('breakerVerdict', () => {
  const response = (status: number): WebhookOutcome => ({
    kind: 'response',
    status,
    durationMs: 5,
    bodyExcerpt: '',
    bodyTruncated: false,
    retryAfterMs: null,
  });

  it.each([
    [200, 'success'],
    [204, 'success'],
    [302, 'success'],
    [400, 'success'],
    [404, 'success'],
    [408, 'success'],
    [429, 'success'],
    [500, 'failure'],
    [502, 'failure'],
    [503, 'failure'],
    [599, 'failure'],
  ])('HTTP %i is a %s for the destination (a 4xx is the job’s problem)', (status, verdict) => {
    expect(breakerVerdict(response(status))).toBe(verdict);
  });

  it('counts connection failures, sent or not, and connect timeouts as failures', () => {
    for (const requestSent of [false, true]) {
      expect(
        breakerVerdict({
          kind: 'network-error',
          durationMs: 1,
          error: 'refused',
          requestSent,
          partialResponse: null,
        }),
      ).toBe('failure');
    }
    expect(
      breakerVerdict({
        kind: 'timeout',
        durationMs: 1,
        timeoutMs: 1,
        requestSent: false,
        partialResponse: null,
      }),
    ).toBe('failure');
  });

  it('leaves a timeout after sending and the worker’s own shutdown neutral', () => {
    expect(
      breakerVerdict({
        kind: 'timeout',
        durationMs: 1,
        timeoutMs: 1,
        requestSent: true,
        partialResponse: null,
      }),
    ).toBe('neutral');
    expect(
      breakerVerdict({ kind: 'aborted', durationMs: 1, requestSent: true, partialResponse: null }),
    ).toBe('neutral');
  });

  it('leaves a destination the SSRF guard refused neutral: policy, not the destination’s health', () => {
    expect(
      breakerVerdict({
        kind: 'not-allowed',
        durationMs: 1,
        error: 'destination not allowed: 127.0.0.1 is a loopback address',
        requestSent: false,
        partialResponse: null,
      }),
    ).toBe('neutral');
  });
});
