import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { Clock, SystemClock } from '../common/clock.js';
import { DatabaseModule } from '../database/database.module.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthenticationService } from './authentication.service.js';
import { RouteAccessCheck } from './route-access.check.js';
import { TenantRepository } from './tenant.repository.js';
import { TenantsController } from './tenants.controller.js';
import { TenantsService } from './tenants.service.js';

/**
 * Tenants, API keys and the gate in front of every route (authentication, scopes, the
 * per-key rate limit, whose shared store `RateLimitStore` comes from the global
 * `BackendModule`). Below `jobs`: jobs read a tenant's quotas from here.
 */
@Module({
  imports: [DatabaseModule, DiscoveryModule],
  controllers: [TenantsController, ApiKeysController],
  providers: [
    { provide: Clock, useClass: SystemClock },
    TenantRepository,
    ApiKeyRepository,
    AuthenticationService,
    TenantsService,
    ApiKeysService,
    RouteAccessCheck,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [TenantRepository],
})
export class TenancyModule {}
