import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { EXECUTION_STATUSES } from '../../database/entities/execution.entity.js';
import type { ExecutionStatus } from '../../database/entities/execution.entity.js';
import { IsCronExpression, IsIanaTimeZone } from './cron-validators.js';
import { PageQueryDto } from '../../common/page-query.dto.js';
import { toInteger, toBoolean } from '../../common/query-transforms.js';

export const MAX_SCHEDULE_COUNT = 1000;

export class ListJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only active (true) or inactive (false) jobs.' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ description: 'Include soft-deleted jobs.', default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeDeleted: boolean = false;
}

export class ScheduleQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SCHEDULE_COUNT, default: 10 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(MAX_SCHEDULE_COUNT)
  count: number = 10;

  @ApiPropertyOptional({ description: 'ISO-8601 instant; fires strictly after it. Default: now.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;
}

export class CronNextQueryDto extends ScheduleQueryDto {
  @ApiProperty({ description: 'The expression to check.', example: '0 */5 * * * *' })
  @IsCronExpression()
  expression!: string;

  @ApiPropertyOptional({ default: 'UTC', example: 'America/New_York' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone: string = 'UTC';
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ enum: EXECUTION_STATUSES })
  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @ApiPropertyOptional({ description: 'Only executions scheduled at or after this instant.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Only executions scheduled before this instant.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class DeadLetterQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
