import type { HealthCheckAttempt } from '@nestjs/terminus';

/** A dependency of the configured backend that `/health` reports besides PostgreSQL. */
export interface BackendHealthCheck {
  /** Its key in the report (`redis`). */
  readonly key: string;
  pingCheck(key: string): HealthCheckAttempt;
}

/**
 * Provided by `BackendModule`: Redis on the Redis backend, nothing on the PostgreSQL one
 * (whose only dependency, PostgreSQL, is always checked).
 */
export const BACKEND_HEALTH_CHECKS = Symbol('BACKEND_HEALTH_CHECKS');
