import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
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
import { IsCronExpression, IsIanaTimeZone } from './cron-validators.js';
import { MAX_JSON_NESTING } from '../../common/json-input.rules.js';
import { IsHttpBody, IsHttpHeaders, IsWebhookUrl, MAX_HTTP_BODY_BYTES } from './http-validators.js';
import { RetryPolicyDto } from './retry-policy.dto.js';
import { IsNotBlank } from './text-validators.js';

export const MAX_TIMEOUT_SECONDS = 3600;

export class CreateJobDto {
  @ApiProperty({
    maxLength: 200,
    example: 'nightly-report',
    description: 'Not blank (whitespace alone is refused).',
  })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({
    description:
      'Six fields `second minute hour day-of-month month day-of-week` (five fields mean second 0), or a macro such as `@daily`.',
    example: '0 30 2 * * *',
  })
  @IsCronExpression()
  cronExpression!: string;

  @ApiPropertyOptional({ description: 'IANA time zone.', default: 'UTC', example: 'Europe/Paris' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ enum: HTTP_METHODS, default: 'POST' })
  @IsOptional()
  @IsIn(HTTP_METHODS)
  httpMethod?: HttpMethod;

  @ApiProperty({
    description:
      'http or https URL. Internal destinations are refused (SSRF guard): a literal loopback, private, link-local or other non-public address in any encoding, or a localhost name, is a 400 here; a name that resolves to one fails each attempt with "destination not allowed". Operators relax this with WEBHOOK_ALLOW_PRIVATE_NETWORKS or WEBHOOK_ALLOWED_CIDRS.',
    example: 'https://example.com/hooks/report',
  })
  @IsWebhookUrl()
  httpUrl!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Extra request headers. Values may hold visible ASCII, Latin-1 letters, space and tab (what HTTP can carry). Values of credential-like headers are redacted in responses.',
  })
  @IsOptional()
  @IsObject()
  @IsHttpHeaders()
  httpHeaders?: Record<string, string>;

  @ApiPropertyOptional({
    description: `A string is sent as it is; any other JSON value is sent as application/json. At most ${MAX_HTTP_BODY_BYTES} bytes and ${MAX_JSON_NESTING} levels deep; keys that name a member of Object.prototype (__proto__, constructor, toString, ...) or "prototype" are refused (anywhere in a request).`,
    oneOf: [{ type: 'string' }, { type: 'object' }, { type: 'array', items: {} }],
    nullable: true,
  })
  @IsOptional()
  @IsHttpBody()
  httpBody?: HttpBody | null;

  @ApiPropertyOptional({ enum: EXECUTION_TYPES, default: 'AT_LEAST_ONCE' })
  @IsOptional()
  @IsIn(EXECUTION_TYPES)
  executionType?: ExecutionType;

  @ApiPropertyOptional({
    description:
      'Seconds one attempt may take, from connecting to the end of the response body (a body still arriving then makes the attempt a timeout, whatever its status); at most WORKER_HTTP_TIMEOUT (default 90).',
    minimum: 1,
    default: 30,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TIMEOUT_SECONDS)
  timeoutSeconds?: number;

  @ApiPropertyOptional({ type: RetryPolicyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto;

  @ApiPropertyOptional({
    enum: MISFIRE_POLICIES,
    default: 'FIRE_ONCE',
    description: 'What to do with occurrences missed while no scheduler ran.',
  })
  @IsOptional()
  @IsIn(MISFIRE_POLICIES)
  misfirePolicy?: MisfirePolicy;

  @ApiPropertyOptional({
    description: 'With FIRE_ALL: only occurrences missed by at most this long are fired.',
    minimum: 1,
    maximum: 604_800,
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(604_800)
  misfireWindowSeconds?: number | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;
}
