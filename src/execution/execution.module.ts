import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { DestinationPolicy } from '../outbound/destination-policy.js';
import { DestinationPolicyModule } from '../outbound/destination-policy.module.js';
import { AttemptRecorder } from './attempt-recorder.js';
import { DeliveryService } from './delivery.service.js';
import { ExecutionRepository } from './execution.repository.js';
import { ExecutionMetrics } from './execution.metrics.js';
import { WebhookClient } from './webhook-client.js';
import { WorkerIdentity } from './worker-identity.js';
import { WorkerLoopService } from './worker-loop.service.js';

/** Claims due executions and sends the webhooks: runs inside `node dist/worker.js`. */
@Module({
  imports: [DatabaseModule, DestinationPolicyModule],
  providers: [
    WorkerIdentity,
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
    DeliveryService,
    WorkerLoopService,
  ],
  exports: [WorkerLoopService],
})
export class ExecutionModule {}
