import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { AUDIT_ACTIONS } from '../../database/entities/job-audit-event.entity.js';
import type { AuditAction } from '../../database/entities/job-audit-event.entity.js';
import { DeadLetterQueryDto } from './job-queries.dto.js';

/** The dead-letter list's `limit`; the cursor is the last event's id. */
export class AuditQueryDto extends PickType(DeadLetterQueryDto, ['limit'] as const) {
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
