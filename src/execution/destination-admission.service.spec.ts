import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { loadAppConfig } from '../config/load-app-config.js';
import type { AttemptDeferralService } from './attempt-deferral.service.js';
import { CLOSED_RECORD, admitAttempt, recordOutcome } from './circuit-breaker.rules.js';
import type {
  BreakerAttempt,
  BreakerPolicy,
  BreakerRecord,
  BreakerVerdict,
} from './circuit-breaker.rules.js';
import { CircuitBreakerService } from './circuit-breaker.service.js';
import { CircuitBreakerStore } from './circuit-breaker.store.js';
import type { AdmitResult, OutcomeResult } from './circuit-breaker.store.js';
import {
  DestinationAdmissionService,
  DESTINATION_WAIT_LIMIT_MS,
} from './destination-admission.service.js';
import type { AdmissionOptions, DestinationPass } from './destination-admission.service.js';
import { DestinationLimiter } from './destination-limiter.js';
import { DestinationMetrics } from './destination.metrics.js';
import type { DeferralCause } from './destination.metrics.js';
import type { ClaimedExecution } from './execution.repository.js';
import { OpenBreakerView } from './open-breaker-view.js';
import type { WebhookOutcome } from './webhook-client.js';

const T0 = Date.UTC(2026, 0, 1);
const COOLDOWN_MS = 10_000;

/** The breaker rules behind an injected clock: the store's "now" is whatever the test says. */
class InMemoryBreakerStore extends CircuitBreakerStore {
  now = T0;
  failing = false;
  readonly records = new Map<string, BreakerRecord>();

  constructor(private readonly policy: BreakerPolicy) {
    super();
  }

  admit(destination: string, attempt: BreakerAttempt): Promise<AdmitResult> {
    if (this.failing) return Promise.reject(new Error('store unreachable'));
    const decision = admitAttempt(this.recordOf(destination), this.now, attempt, this.policy);
    this.records.set(destination, decision.record);
    return Promise.resolve({
      admission: decision.admission,
      state: decision.record.state,
      failures: decision.record.failures,
      retryAfterMs: decision.retryAfterMs,
      transition: decision.transition,
      decidedAt: this.now,
    });
  }

  recordOutcome(
    destination: string,
    attemptId: string,
    verdict: BreakerVerdict,
  ): Promise<OutcomeResult> {
    const decision = recordOutcome(
      this.recordOf(destination),
      this.now,
      attemptId,
      verdict,
      this.policy,
    );
    this.records.set(destination, decision.record);
    return Promise.resolve({
      state: decision.record.state,
      failures: decision.record.failures,
      transition: decision.transition,
      decidedAt: this.now,
    });
  }

  private recordOf(destination: string): BreakerRecord {
    return this.records.get(destination) ?? { ...CLOSED_RECORD };
  }
}

interface Deferral {
  id: string;
  attempt: number;
  cause: DeferralCause;
  delayMs: number;
  reason: string;
}

function execution(url: string, n: number): ClaimedExecution {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    jobId: '00000000-0000-4000-8000-000000000000',
    tenantId: '00000000-0000-4000-8000-000000000001',
    tenantLimits: { maxConcurrentExecutions: null, maxExecutionsPerSecond: null },
    httpTargetSealed: null,
    signingSecretsSealed: [],
    scheduledAt: new Date(T0),
    previousStatus: 'QUEUED',
    attempt: 1,
    attemptBase: 0,
    executionType: 'AT_MOST_ONCE',
    httpMethod: 'POST',
    httpUrl: url,
    httpHeaders: {},
    httpBody: null,
    timeoutSeconds: 30,
    retryPolicy: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 60_000 },
  };
}

const response = (status: number): WebhookOutcome => ({
  kind: 'response',
  status,
  durationMs: 3,
  bodyExcerpt: '',
  bodyTruncated: false,
  retryAfterMs: null,
});

describe('DestinationAdmissionService', () => {
  const A = 'https://a.example:8443';
  let store: InMemoryBreakerStore;
  let limiter: DestinationLimiter;
  let deferrals: Deferral[];
  let service: DestinationAdmissionService;
  let options: AdmissionOptions & { waits: number };
  let stop: AbortController;
  let registry: Registry;
  let next = 0;
  /** The limiter's monotonic clock, ms. */
  let clock = 0;

  function build(maxConcurrency: number): void {
    const config = loadAppConfig({
      ENVIRONMENT: 'development',
      WEBHOOK_MAX_CONCURRENCY_PER_DESTINATION: String(maxConcurrency),
      WEBHOOK_BREAKER_FAILURES: '3',
      WEBHOOK_BREAKER_COOLDOWN_SECONDS: String(COOLDOWN_MS / 1000),
    });
    store = new InMemoryBreakerStore({ failureThreshold: 3, cooldownMs: COOLDOWN_MS });
    clock = 0;
    limiter = new DestinationLimiter(config.destinations.maxConcurrency, () => clock);
    registry = new Registry();
    const view = new OpenBreakerView(2 * COOLDOWN_MS);
    const metrics = new DestinationMetrics(registry, view, limiter);
    deferrals = [];
    const deferral = {
      defer: (
        e: ClaimedExecution,
        attempt: number,
        cause: DeferralCause,
        delayMs: number,
        reason: string,
      ) => {
        deferrals.push({ id: e.id, attempt, cause, delayMs, reason });
        return Promise.resolve();
      },
    } as unknown as AttemptDeferralService;
    service = new DestinationAdmissionService(
      config,
      limiter,
      new CircuitBreakerService(store, view, metrics),
      deferral,
    );
    stop = new AbortController();
    const tracked = {
      stop: stop.signal,
      waits: 0,
      onWait: () => {
        tracked.waits++;
      },
    };
    options = tracked;
  }

  const admit = (url = `${A}/hook`) => service.admit(execution(url, ++next), 1, options);

  async function sendAndFinish(status: number): Promise<void> {
    const pass = await admit();
    expect(pass).not.toBeNull();
    await pass!.finish(response(status));
  }

  beforeAll(() => {
    // Transitions are logged; the tests read them from the metrics instead (Jest gives each
    // spec file its own module registry, so this stays within this file).
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    build(2);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('lets attempts through while the breaker is closed, and frees the permit at finish', async () => {
    const pass = await admit();
    expect(pass).not.toBeNull();
    expect(limiter.inUse(A)).toBe(1);
    await pass!.finish(response(200));
    expect(limiter.inUse(A)).toBe(0);
    expect(deferrals).toEqual([]);
  });

  it('after 3 consecutive 5xx delays the next attempt (not sent) with the reason, for the cooldown plus jitter', async () => {
    await sendAndFinish(503);
    await sendAndFinish(500);
    expect(store.records.get(A)).toMatchObject({ state: 'closed', failures: 2 });
    await sendAndFinish(502);
    expect(store.records.get(A)).toMatchObject({ state: 'open', failures: 3 });

    store.now = T0 + 4_000;
    expect(await admit()).toBeNull();
    expect(limiter.inUse(A)).toBe(0);
    expect(deferrals).toHaveLength(1);
    const [deferred] = deferrals;
    expect(deferred).toMatchObject({
      attempt: 1,
      cause: 'circuit_open',
      reason: `delayed: circuit open for ${A} after 3 consecutive failures`,
    });
    // 6 s left of the cooldown, then up to one cooldown of jitter.
    expect(deferred!.delayMs).toBeGreaterThanOrEqual(6_000);
    expect(deferred!.delayMs).toBeLessThanOrEqual(6_000 + COOLDOWN_MS);
  });

  it('does not count a 4xx against the destination', async () => {
    for (let i = 0; i < 5; i++) await sendAndFinish(404);
    expect(await admit()).not.toBeNull();
    expect(deferrals).toEqual([]);
  });

  it('sends exactly one probe once the cooldown is over, and closes on its success', async () => {
    build(10);
    for (let i = 0; i < 3; i++) await sendAndFinish(503);
    store.now = T0 + COOLDOWN_MS;
    const passes = await Promise.all(Array.from({ length: 6 }, () => admit()));
    const probes = passes.filter((pass): pass is DestinationPass => pass !== null);
    expect(probes).toHaveLength(1);
    expect(deferrals.map((d) => d.reason)).toEqual(
      Array.from(
        { length: 5 },
        () => `delayed: circuit open for ${A} after 3 consecutive failures; a probe is in flight`,
      ),
    );

    await probes[0]!.finish(response(200));
    expect(store.records.get(A)).toEqual(CLOSED_RECORD);
    expect(await admit()).not.toBeNull();
    const transitions = (await registry.getMetricsAsJSON()).find(
      (m) => m.name === 'jobsched_breaker_transitions_total',
    );
    expect(transitions?.values.map((v) => [v.labels.to, v.value])).toEqual([
      ['open', 1],
      ['half_open', 1],
      ['closed', 1],
    ]);
  });

  it('keeps the breakers of different destinations apart', async () => {
    for (let i = 0; i < 3; i++) await sendAndFinish(503);
    expect(await admit()).toBeNull();
    expect(await admit('https://b.example/hook')).not.toBeNull();
  });

  it('makes an attempt over the cap wait for a permit, freeing its pool slot meanwhile', async () => {
    build(1);
    const first = await admit();
    const second = admit();
    expect(options.waits).toBe(1);
    expect(service.waiting).toBe(1);

    await first!.finish(response(200));
    const pass = await second;
    expect(pass).not.toBeNull();
    expect(service.waiting).toBe(0);
    expect(limiter.inUse(A)).toBe(1);
  });

  it('puts a waiting attempt back, unsent, when the worker stops', async () => {
    build(1);
    await admit();
    const waiting = admit();
    stop.abort();
    expect(await waiting).toBeNull();
    expect(deferrals).toEqual([
      expect.objectContaining({
        cause: 'shutdown',
        delayMs: 0,
        reason: `delayed: the worker stopped while waiting for one of its 1 connections to ${A}`,
      }),
    ]);
    expect(service.waiting).toBe(0);
  });

  it('puts an attempt back at once when its destination is slow: no wait for a permit', async () => {
    build(1);
    const slow = await admit();
    const behind = admit();
    clock = 3_000;
    await slow!.finish(response(200));
    expect(await behind).not.toBeNull();
    expect(options.waits).toBe(1);
    // A permit is held 3 s on average: more than the 2 s an attempt may wait here.
    expect(await admit()).toBeNull();
    expect(options.waits).toBe(1);
    expect(deferrals).toHaveLength(1);
    expect(deferrals[0]).toMatchObject({
      cause: 'destination_busy',
      reason: `delayed: ${A} busy: all 1 of this worker's connections to it in use`,
    });
    // Back after the expected 3 s, plus up to as much again.
    expect(deferrals[0]!.delayMs).toBeGreaterThanOrEqual(3_000);
    expect(deferrals[0]!.delayMs).toBeLessThanOrEqual(6_000);
    expect(limiter.inUse(A)).toBe(1);
  });

  it('waits for a fast destination, but puts the attempt back if the wait runs past the limit', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    build(1);
    await admit();
    const waiting = admit();
    expect(options.waits).toBe(1);
    jest.advanceTimersByTime(DESTINATION_WAIT_LIMIT_MS - 1);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(deferrals).toEqual([]);

    clock = DESTINATION_WAIT_LIMIT_MS;
    jest.advanceTimersByTime(1);
    expect(await waiting).toBeNull();
    expect(deferrals).toHaveLength(1);
    expect(deferrals[0]!.cause).toBe('destination_busy');
    // The permit held for 2 s so far: expected again in about 2 s, plus up to as much again.
    expect(deferrals[0]!.delayMs).toBeGreaterThanOrEqual(2_000);
    expect(deferrals[0]!.delayMs).toBeLessThanOrEqual(4_000);
    expect(service.waiting).toBe(0);
  });

  it('fails open, logging why, when the breaker store cannot be reached', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    store.failing = true;
    const pass = await admit();
    expect(pass).not.toBeNull();
    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining(`Circuit breaker of ${A} unavailable`),
    );
  });

  it('does not guard what is not an http(s) URL: the client reports it as never sent', async () => {
    build(1);
    await admit();
    expect(await admit('ftp://a.example:8443/file')).not.toBeNull();
    expect(await admit('not a url')).not.toBeNull();
    expect(limiter.inUse(A)).toBe(1);
  });
});
