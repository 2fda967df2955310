import { Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnModuleInit, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { QueueBackend } from '../config/app-config.js';
import { openDedicatedConnection } from '../database/dedicated-connection.js';
import { BACKEND_HEALTH_CHECKS } from '../observability/backend-health.js';
import type { BackendHealthCheck } from '../observability/backend-health.js';
import { RedisHealthIndicator } from '../observability/redis.health.js';
import { CircuitBreakerStore } from '../execution/circuit-breaker.store.js';
import { PostgresCircuitBreakerStore } from '../execution/postgres-circuit-breaker.store.js';
import { PostgresTenantLimiterStore } from '../execution/postgres-tenant-limiter.store.js';
import { RedisCircuitBreakerStore } from '../execution/redis-circuit-breaker.store.js';
import { RedisTenantLimiterStore } from '../execution/redis-tenant-limiter.store.js';
import { TenantLimiterStore } from '../execution/tenant-limiter.store.js';
import { ExecutionQueue } from '../queue/execution-queue.js';
import { PostgresExecutionQueue } from '../queue/postgres-execution-queue.js';
import { RedisExecutionQueue } from '../queue/redis-execution-queue.js';
import { REDIS, RedisModule } from '../redis/redis.module.js';
import { LeaderLease } from '../scheduling/leader-lease.js';
import { PostgresLeaderLease } from '../scheduling/postgres-leader-lease.js';
import { RedlockLeaderLease } from '../scheduling/redlock-leader-lease.js';
import { PostgresRateLimitStore } from '../tenancy/postgres-rate-limit.store.js';
import { RateLimitStore } from '../tenancy/rate-limit.store.js';
import { RedisRateLimitStore } from '../tenancy/redis-rate-limit.store.js';

/**
 * Everything that differs between the two backends, chosen in one place. Each backend
 * provides the same abstract tokens, and the rest of the service depends on those only; a
 * store added later (circuit-breaker state, tenant concurrency) adds one provider to each
 * list below. On `postgres` the Redis module is not even imported: no process opens a Redis
 * connection.
 */
export const BACKEND_TOKENS = [
  ExecutionQueue,
  LeaderLease,
  RateLimitStore,
  CircuitBreakerStore,
  TenantLimiterStore,
  BACKEND_HEALTH_CHECKS,
] as const;

const REDIS_PROVIDERS: Provider[] = [
  {
    provide: ExecutionQueue,
    inject: [REDIS, AppConfig],
    useFactory: (redis: Redis, config: AppConfig) =>
      new RedisExecutionQueue(redis, config.redis.keyPrefix),
  },
  {
    provide: LeaderLease,
    inject: [REDIS, AppConfig],
    useFactory: (redis: Redis, config: AppConfig) =>
      new RedlockLeaderLease(redis, config.redis.keyPrefix),
  },
  {
    provide: RateLimitStore,
    inject: [REDIS, AppConfig],
    useFactory: (redis: Redis, config: AppConfig) =>
      new RedisRateLimitStore(redis, config.redis.keyPrefix),
  },
  {
    provide: CircuitBreakerStore,
    inject: [REDIS, AppConfig],
    useFactory: (redis: Redis, config: AppConfig) =>
      new RedisCircuitBreakerStore(redis, config.redis.keyPrefix, breakerPolicy(config)),
  },
  {
    provide: TenantLimiterStore,
    inject: [REDIS, AppConfig],
    useFactory: (redis: Redis, config: AppConfig) =>
      new RedisTenantLimiterStore(redis, config.redis.keyPrefix),
  },
  RedisHealthIndicator,
  {
    provide: BACKEND_HEALTH_CHECKS,
    inject: [RedisHealthIndicator],
    useFactory: (redis: RedisHealthIndicator): BackendHealthCheck[] => [redis],
  },
];

const POSTGRES_PROVIDERS: Provider[] = [
  {
    provide: ExecutionQueue,
    inject: [DataSource, AppConfig],
    useFactory: (dataSource: DataSource, config: AppConfig) =>
      new PostgresExecutionQueue(dataSource, () =>
        openDedicatedConnection(config.database, 'job-scheduler-queue-listener'),
      ),
  },
  {
    provide: LeaderLease,
    inject: [DataSource],
    useFactory: (dataSource: DataSource) => new PostgresLeaderLease(dataSource),
  },
  {
    provide: RateLimitStore,
    inject: [DataSource],
    useFactory: (dataSource: DataSource) => new PostgresRateLimitStore(dataSource),
  },
  {
    provide: CircuitBreakerStore,
    inject: [DataSource, AppConfig],
    useFactory: (dataSource: DataSource, config: AppConfig) =>
      new PostgresCircuitBreakerStore(dataSource, breakerPolicy(config)),
  },
  {
    provide: TenantLimiterStore,
    inject: [DataSource],
    useFactory: (dataSource: DataSource) => new PostgresTenantLimiterStore(dataSource),
  },
  { provide: BACKEND_HEALTH_CHECKS, useValue: [] satisfies BackendHealthCheck[] },
];

function breakerPolicy(config: AppConfig): { failureThreshold: number; cooldownMs: number } {
  return {
    failureThreshold: config.destinations.breakerFailureThreshold,
    cooldownMs: config.destinations.breakerCooldownMs,
  };
}

const BACKENDS: Record<QueueBackend, { imports: DynamicModule['imports']; providers: Provider[] }> =
  {
    redis: { imports: [RedisModule, TerminusModule], providers: REDIS_PROVIDERS },
    postgres: { imports: [], providers: POSTGRES_PROVIDERS },
  };

@Module({})
export class BackendModule implements OnModuleInit {
  private readonly logger = new Logger('Backend');

  constructor(private readonly config: AppConfig) {}

  /** Global: the queue, the lease and the stores are injected wherever they are needed. */
  static forRoot(config: AppConfig): DynamicModule {
    const backend = BACKENDS[config.backend.queue];
    return {
      module: BackendModule,
      global: true,
      imports: backend.imports,
      providers: backend.providers,
      exports: [...BACKEND_TOKENS],
    };
  }

  onModuleInit(): void {
    const { queue, reason } = this.config.backend;
    this.logger.log(`Queue backend: ${queue} (${reason})`);
  }
}
