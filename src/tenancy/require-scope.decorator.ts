import { createParamDecorator, SetMetadata } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal.js';
import type { Scope } from './scopes.js';

export const ROUTE_ACCESS = 'jobsched:route-access';

/**
 * `public`: no key (probes); `metrics`: the `METRICS_BEARER_TOKEN` when one is set
 * (scrapers); `scope`: an API key holding that scope.
 */
export type RouteAccess =
  { kind: 'public' } | { kind: 'metrics' } | { kind: 'scope'; scope: Scope };

/** The route needs an API key holding `scope` (or `admin`). */
export const RequireScope = (scope: Scope) =>
  SetMetadata(ROUTE_ACCESS, { kind: 'scope', scope } satisfies RouteAccess);

/** The route needs no API key. Every handler says one or the other: boot fails otherwise. */
export const PublicRoute = () =>
  SetMetadata(ROUTE_ACCESS, { kind: 'public' } satisfies RouteAccess);

/** A Prometheus endpoint: open, or guarded by `METRICS_BEARER_TOKEN` when it is set. */
export const MetricsRoute = () =>
  SetMetadata(ROUTE_ACCESS, { kind: 'metrics' } satisfies RouteAccess);

export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The caller, as `ApiKeyGuard` resolved it. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    // The guard runs before any parameter is resolved; no principal means a public route
    // asked for one, which is a programming error, not a client error.
    if (principal === undefined) throw new Error('CurrentPrincipal used on a public route');
    return principal;
  },
);
