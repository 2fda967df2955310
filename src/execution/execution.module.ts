import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { DestinationPolicy } from '../outbound/destination-policy.js';
import { DestinationPolicyModule } from '../outbound/destination-policy.module.js';
import { AttemptDeferralService } from './attempt-deferral.service.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { AttemptRecorder } from './attempt-recorder.js';
import { CircuitBreakerService } from './circuit-breaker.service.js';
import { DeliveryService } from './delivery.service.js';
import { DestinationAdmissionService } from './destination-admission.service.js';
import { DestinationLimiter } from './destination-limiter.js';
import { DestinationMetrics } from './destination.metrics.js';
import { ExecutionRepository } from './execution.repository.js';
import { ExecutionMetrics } from './execution.metrics.js';
import { OpenBreakerView } from './open-breaker-view.js';
import { WebhookClient } from './webhook-client.js';
import { WebhookRequestFactory } from './webhook-request.factory.js';
import { WebhookSigner } from './webhook-signer.js';
import { WorkerIdentity } from './worker-identity.js';
import { TenantAdmissionService } from './tenant-admission.service.js';
import { WorkerLoopService } from './worker-loop.service.js';

/**
 * The stores whose state all workers share (`CircuitBreakerStore`, `TenantLimiterStore`) come
 * from the global `BackendModule`, Redis or PostgreSQL.
 *
 * Claims due executions and sends the webhooks: runs inside `node dist/worker.js`. */
@Module({
  imports: [DatabaseModule, DestinationPolicyModule, SecretsModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    WorkerIdentity,
    WebhookSigner,
    WebhookRequestFactory,
    {
      provide: WebhookClient,
      inject: [AppConfig, DestinationPolicy],
      // One keep-alive connection per concurrent request: with undici's default of 10 per
      // origin, a pool of 500 queued ~160 ms behind 10 sockets (docs/benchmarks.md).
      useFactory: (config: AppConfig, destinations: DestinationPolicy) =>
        new WebhookClient({ connectionsPerOrigin: config.worker.poolSize, destinations }),
    },
    ExecutionRepository,
    AttemptRecorder,
    ExecutionMetrics,
    {
      provide: DestinationLimiter,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new DestinationLimiter(config.destinations.maxConcurrency),
    },
    {
      provide: OpenBreakerView,
      inject: [AppConfig],
      // An open breaker's delayed attempts come back within two cooldowns (the wait, then
      // up to one cooldown of jitter), so a worker still calling it sees it again by then.
      useFactory: (config: AppConfig) =>
        new OpenBreakerView(2 * config.destinations.breakerCooldownMs),
    },
    TenantAdmissionService,
    DestinationMetrics,
    CircuitBreakerService,
    AttemptDeferralService,
    DestinationAdmissionService,
    DeliveryService,
    WorkerLoopService,
  ],
  exports: [WorkerLoopService],
})
export class ExecutionModule {}
