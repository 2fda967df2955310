import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AUDIT_ACTIONS } from '../../database/entities/job-audit-event.entity.js';
import type { AuditAction } from '../../database/entities/job-audit-event.entity.js';
import { toInteger } from '../../common/query-transforms.js';

export class AuditQueryDto {
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
  @Matches(/^\d{1,19}$/, { message: 'cursor is not a cursor returned by this endpoint' })
  cursor?: string;
}

export class AuditChangeResponse {
  @ApiProperty() field!: string;
  @ApiPropertyOptional({ description: 'The value before (absent on create); secrets redacted.' })
  from?: unknown;
  @ApiPropertyOptional({ description: 'The value after; secrets redacted.' })
  to?: unknown;
}

export class AuditEventResponse {
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: AuditAction;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'The job version after the change.' }) jobVersion!: number;
  @ApiProperty({
    description:
      'Prefix of the API key that made the change (`ADMIN_API_KEY` for the bootstrap key).',
  })
  actorKeyPrefix!: string;
  @ApiProperty({ type: [AuditChangeResponse] }) changes!: AuditChangeResponse[];
}

export class AuditResponse {
  @ApiProperty({ type: [AuditEventResponse] }) items!: AuditEventResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
