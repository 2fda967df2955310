import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { Clock, SystemClock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { REDIS } from '../redis/redis.module.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthenticationService } from './authentication.service.js';
import { RateLimitStore } from './rate-limit.store.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';
import { RouteAccessCheck } from './route-access.check.js';
import { TenantRepository } from './tenant.repository.js';
import { TenantsController } from './tenants.controller.js';
import { TenantsService } from './tenants.service.js';

/**
 * Tenants, API keys and the gate in front of every route (authentication, scopes, the
 * per-key rate limit). Below `jobs`: jobs read a tenant's quotas from here.
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
    {
      provide: RateLimitStore,
      inject: [REDIS, AppConfig],
      useFactory: (redis: Redis, config: AppConfig) =>
        new RedisRateLimitStore(redis, config.redis.keyPrefix),
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [TenantRepository],
})
export class TenancyModule {}
