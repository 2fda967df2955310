import { ApiKeyEntity } from './entities/api-key.entity.js';
import { CircuitBreakerStateEntity } from './entities/circuit-breaker-state.entity.js';
import { TenantExecutionSlotEntity } from './entities/tenant-execution-slot.entity.js';
import { TenantExecutionStartEntity } from './entities/tenant-execution-start.entity.js';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity.js';
import { JobAuditEventEntity } from './entities/job-audit-event.entity.js';
import { TenantEntity } from './entities/tenant.entity.js';
import { ExecutionAttemptEntity } from './entities/execution-attempt.entity.js';
import { ExecutionEntity } from './entities/execution.entity.js';
import { ExecutionQueueCounterEntity } from './entities/execution-queue-counter.entity.js';
import { ExecutionQueueItemEntity } from './entities/execution-queue-item.entity.js';
import { JobEntity } from './entities/job.entity.js';
import { RateLimitWindowEntity } from './entities/rate-limit-window.entity.js';
import { SchedulerLeadershipEntity } from './entities/scheduler-leadership.entity.js';
import { SchedulerLeaseEntity } from './entities/scheduler-lease.entity.js';

/** Every entity of the schema; the drift test compares exactly this list to the migrations. */
export const ENTITIES = [
  JobEntity,
  ExecutionEntity,
  ExecutionAttemptEntity,
  SchedulerLeadershipEntity,
  TenantEntity,
  ApiKeyEntity,
  JobAuditEventEntity,
  IdempotencyKeyEntity,
  CircuitBreakerStateEntity,
  TenantExecutionSlotEntity,
  TenantExecutionStartEntity,
  ExecutionQueueItemEntity,
  ExecutionQueueCounterEntity,
  SchedulerLeaseEntity,
  RateLimitWindowEntity,
] as const;
