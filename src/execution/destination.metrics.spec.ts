import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { DestinationLimiter } from './destination-limiter.js';
import { DestinationMetrics } from './destination.metrics.js';
import { OpenBreakerView } from './open-breaker-view.js';

describe('DestinationMetrics', () => {
  function setUp() {
    const registry = new Registry();
    const view = new OpenBreakerView(60_000);
    const limiter = new DestinationLimiter(1);
    const metrics = new DestinationMetrics(registry, view, limiter);
    const value = async (name: string, labels: Record<string, string> = {}) => {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      return metric?.values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value;
    };
    return { registry, view, limiter, metrics, value };
  }

  it('reports open destinations and waiting attempts as this worker sees them', async () => {
    const { view, limiter, value } = setUp();
    expect(await value('jobsched_breaker_open_destinations')).toBe(0);
    view.observe('https://a.example', 'open');
    view.observe('https://b.example', 'half_open');
    expect(await value('jobsched_breaker_open_destinations')).toBe(2);

    limiter.tryAcquire('https://a.example');
    void limiter.acquire('https://a.example');
    expect(await value('jobsched_destination_waiting_attempts')).toBe(1);
  });

  it('exposes every label value from the start, and no label that could name a destination', async () => {
    const { registry, value } = setUp();
    for (const to of ['open', 'half_open', 'closed']) {
      expect(await value('jobsched_breaker_transitions_total', { to })).toBe(0);
    }
    for (const reason of ['circuit_open', 'destination_busy', 'shutdown']) {
      expect(await value('jobsched_attempts_deferred_total', { reason })).toBe(0);
    }
    const labelNames = new Set(
      (await registry.getMetricsAsJSON()).flatMap((m) =>
        m.values.flatMap((v) => Object.keys(v.labels)),
      ),
    );
    expect([...labelNames].sort()).toEqual(['reason', 'to']);
  });
});
