import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per process, injected wherever metrics are defined (never the global one). */
export function createMetricsRegistry(role: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry, prefix: 'jobsched_' });
  return registry;
}
