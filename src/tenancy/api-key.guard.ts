import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { ADMIN_KEY_LABEL, AuthenticationService } from './authentication.service.js';
import { MissingScopeError } from './missing-scope.error.js';
import { hasScope } from './principal.js';
import type { Principal } from './principal.js';
import { RateLimitStore } from './rate-limit.store.js';
import { RateLimitedError } from './rate-limited.error.js';
import { ROUTE_ACCESS } from './require-scope.decorator.js';
import type { AuthenticatedRequest, RouteAccess } from './require-scope.decorator.js';
import { sameSecret } from './same-secret.js';
import { UnauthorizedError } from './unauthorized.error.js';

interface HttpRequest extends AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The one gate of every route: public routes pass, metrics routes need
 * `METRICS_BEARER_TOKEN` when it is set, every other route needs an API key holding the
 * route's scope. The per-key rate limit is counted after authentication, on a store all API
 * replicas share, so it is keyed by the API key rather than by the caller's address.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: AuthenticationService,
    private readonly rateLimits: RateLimitStore,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    // `RouteAccessCheck` refuses to boot with an undeclared route; this is the backstop.
    if (access === undefined) throw new UnauthorizedError();
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    switch (access.kind) {
      case 'public':
        return true;
      case 'metrics': {
        const token = this.config.auth.metricsBearerToken;
        const given = firstHeader(request.headers.authorization);
        if (token !== undefined && !sameSecret(given, `Bearer ${token}`)) {
          throw new UnauthorizedError();
        }
        return true;
      }
      case 'scope': {
        const principal = await this.authentication.authenticate(
          firstHeader(request.headers.authorization),
        );
        request.principal = principal;
        await this.countRequest(principal, http.getResponse<FastifyReply>());
        if (!hasScope(principal, access.scope)) throw new MissingScopeError(access.scope);
        return true;
      }
    }
  }

  private async countRequest(principal: Principal, reply: FastifyReply): Promise<void> {
    const { limit, windowMs } = this.config.auth.rateLimit;
    if (limit === 0) return;
    const { count, resetInMs } = await this.rateLimits.hit(
      principal.keyId ?? ADMIN_KEY_LABEL,
      windowMs,
    );
    const resetSeconds = Math.max(Math.ceil(resetInMs / 1000), 1);
    void reply.header('X-RateLimit-Limit', limit);
    void reply.header('X-RateLimit-Remaining', Math.max(limit - count, 0));
    void reply.header('X-RateLimit-Reset', resetSeconds);
    if (count > limit) {
      void reply.header('Retry-After', resetSeconds);
      throw new RateLimitedError(limit, resetSeconds);
    }
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
