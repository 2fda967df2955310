import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  EXECUTION_STATUSES,
  EXECUTION_TRIGGERS,
} from '../../database/entities/execution.entity.js';
import type {
  ExecutionStatus,
  ExecutionTrigger,
} from '../../database/entities/execution.entity.js';
import {
  EXECUTION_TYPES,
  HTTP_METHODS,
  MISFIRE_POLICIES,
} from '../../database/entities/job.entity.js';
import type {
  ExecutionType,
  HttpBody,
  HttpMethod,
  MisfirePolicy,
} from '../../database/entities/job.entity.js';
import { RetryPolicyDto } from './retry-policy.dto.js';

export class RetryPolicyResponse {
  @ApiProperty() maxAttempts!: number;
  @ApiProperty() initialBackoffMs!: number;
  @ApiProperty() maxBackoffMs!: number;
}

export class JobResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() cronExpression!: string;
  @ApiProperty() timezone!: string;
  @ApiProperty({ enum: HTTP_METHODS }) httpMethod!: HttpMethod;
  @ApiProperty({
    description:
      'The userinfo and every query value read `[REDACTED]`. Sent back in a PATCH, a `[REDACTED]` keeps the stored value.',
    example: 'https://[REDACTED]@example.com/hooks/report?key=[REDACTED]',
  })
  httpUrl!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Every value but those of Accept, Accept-Encoding, Accept-Language, Cache-Control, Content-Encoding, Content-Language and Content-Type reads `[REDACTED]`. Sent back in a PATCH, a `[REDACTED]` keeps the stored value.',
  })
  httpHeaders!: Record<string, string>;
  @ApiProperty({
    nullable: true,
    oneOf: [{ type: 'string' }, { type: 'object' }, { type: 'array', items: {} }],
  })
  httpBody!: HttpBody | null;
  @ApiProperty({ enum: EXECUTION_TYPES }) executionType!: ExecutionType;
  @ApiProperty() timeoutSeconds!: number;
  @ApiProperty({ type: RetryPolicyDto }) retryPolicy!: RetryPolicyResponse;
  @ApiProperty({ enum: MISFIRE_POLICIES }) misfirePolicy!: MisfirePolicy;
  @ApiProperty({ nullable: true, type: Number }) misfireWindowSeconds!: number | null;
  @ApiProperty() isActive!: boolean;
  @ApiProperty({
    description:
      'Increments on every change; also the `ETag` of the job. Send it back as `If-Match` with PATCH.',
  })
  version!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Next fire (UTC); null while the job is inactive.',
  })
  nextRunAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deletedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

const SIGNING_SECRET_DESCRIPTION =
  "The Standard Webhooks secret that signs this job's requests (`webhook-signature`). Shown once, in this response only: store it now. A lost secret is replaced by rotating it.";

export class JobCreatedResponse extends JobResponse {
  @ApiProperty({
    description: SIGNING_SECRET_DESCRIPTION,
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1uU6+SnW8w0=',
  })
  signingSecret!: string;
}

export class SigningSecretResponse {
  @ApiProperty({
    description: SIGNING_SECRET_DESCRIPTION,
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1uU6+SnW8w0=',
  })
  signingSecret!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      'Until then the previous secret signs too (a second signature); null when it was dropped at once (graceSeconds 0).',
  })
  previousSecretExpiresAt!: string | null;
}

export class JobListResponse {
  @ApiProperty({ type: [JobResponse] }) items!: JobResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty({ description: 'Jobs matching the filters, over all pages.' }) total!: number;
}

export class NextRunsResponse {
  @ApiProperty({ description: 'The expression in its six-field form.' }) cronExpression!: string;
  @ApiProperty() timezone!: string;
  @ApiProperty({
    type: [String],
    description: 'ISO-8601 UTC instants with milliseconds, ascending.',
    example: ['2026-01-01T00:00:00.000Z'],
  })
  nextRuns!: string[];
}

export class CronNextResponse extends NextRunsResponse {
  @ApiProperty({ example: 'At 0 seconds past the minute, every 5 minutes' })
  description!: string;
}

export class ExecutionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) jobId!: string;
  @ApiProperty({ format: 'date-time' }) scheduledAt!: string;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status!: ExecutionStatus;
  @ApiProperty({ enum: EXECUTION_TRIGGERS }) trigger!: ExecutionTrigger;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) httpStatus!: number | null;
  @ApiProperty({ nullable: true, type: String }) responseExcerpt!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export class ExecutionAttemptResponse {
  @ApiProperty({ description: 'The `X-Attempt` value sent.' }) attempt!: number;
  @ApiProperty({ nullable: true, type: String }) workerId!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiProperty({ nullable: true, type: Number }) httpStatus!: number | null;
  @ApiProperty({ nullable: true, type: String }) responseExcerpt!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export class ExecutionDetailResponse extends ExecutionResponse {
  @ApiProperty({ type: [ExecutionAttemptResponse] }) attemptHistory!: ExecutionAttemptResponse[];
}

export class ExecutionAcceptedResponse {
  @ApiProperty({ format: 'uuid' }) executionId!: string;
  @ApiProperty({ format: 'date-time', description: 'The instant sent as X-Scheduled-At.' })
  scheduledAt!: string;
  @ApiProperty({ enum: ['QUEUED'] }) status!: 'QUEUED';
}

export class HistoryResponse {
  @ApiProperty({ type: [ExecutionResponse] }) items!: ExecutionResponse[];
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
  })
  nextCursor!: string | null;
}
