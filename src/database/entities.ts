import { ExecutionAttemptEntity } from './entities/execution-attempt.entity.js';
import { ExecutionEntity } from './entities/execution.entity.js';
import { JobEntity } from './entities/job.entity.js';
import { SchedulerLeadershipEntity } from './entities/scheduler-leadership.entity.js';

/** Every entity of the schema; the drift test compares exactly this list to the migrations. */
export const ENTITIES = [
  JobEntity,
  ExecutionEntity,
  ExecutionAttemptEntity,
  SchedulerLeadershipEntity,
] as const;
