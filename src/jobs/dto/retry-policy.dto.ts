import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_RETRY_POLICY = {
  maxAttempts: 3,
  initialBackoffMs: 1000,
  maxBackoffMs: 60_000,
} as const;

/** Fields left out keep their current value (PATCH) or the default (create). */
export class RetryPolicyDto {
  @ApiPropertyOptional({
    description: 'Total attempts including the first (AT_LEAST_ONCE only).',
    minimum: 1,
    maximum: 100,
    default: DEFAULT_RETRY_POLICY.maxAttempts,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxAttempts?: number;

  @ApiPropertyOptional({
    description: 'Backoff before the second attempt; doubles per attempt, full jitter.',
    minimum: 100,
    maximum: 3_600_000,
    default: DEFAULT_RETRY_POLICY.initialBackoffMs,
  })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  initialBackoffMs?: number;

  @ApiPropertyOptional({
    description: 'Upper bound of one backoff; at least initialBackoffMs.',
    minimum: 100,
    maximum: 86_400_000,
    default: DEFAULT_RETRY_POLICY.maxBackoffMs,
  })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  maxBackoffMs?: number;
}
