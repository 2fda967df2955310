import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { AttemptRecorder } from './attempt-recorder.js';
import { DeliveryService } from './delivery.service.js';
import { ExecutionRepository } from './execution.repository.js';
import { ExecutionMetrics } from './execution.metrics.js';
import { WebhookClient } from './webhook-client.js';
import { WebhookRequestFactory } from './webhook-request.factory.js';
import { WebhookSigner } from './webhook-signer.js';
import { WorkerIdentity } from './worker-identity.js';
import { WorkerLoopService } from './worker-loop.service.js';

/** Claims due executions and sends the webhooks: runs inside `node dist/worker.js`. */
@Module({
  imports: [DatabaseModule, QueueModule, SecretsModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    WorkerIdentity,
    WebhookSigner,
    WebhookRequestFactory,
    {
      provide: WebhookClient,
      inject: [AppConfig],
      // One keep-alive connection per concurrent request: with undici's default of 10 per
      // origin, a pool of 500 queued ~160 ms behind 10 sockets (docs/benchmarks.md).
      useFactory: (config: AppConfig) =>
        new WebhookClient({ connectionsPerOrigin: config.worker.poolSize }),
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
