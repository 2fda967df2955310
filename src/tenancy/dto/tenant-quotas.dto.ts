import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * A tenant's limits. In a create body an absent field means unlimited; in a PATCH body an
 * absent field keeps its value and `null` removes the limit.
 */
export class TenantQuotasDto {
  @ApiPropertyOptional({
    description: 'Most jobs the tenant may have (deleted jobs do not count).',
    minimum: 0,
    maximum: 10_000_000,
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  maxJobs?: number | null;

  @ApiPropertyOptional({
    description:
      'Shortest allowed interval between two fires of one job, in seconds (e.g. 60 bars every-second jobs).',
    minimum: 1,
    maximum: 31_536_000,
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  minIntervalSeconds?: number | null;

  @ApiPropertyOptional({
    description:
      "Most of the tenant's executions in flight at once, across all workers. Excess executions wait.",
    minimum: 1,
    maximum: 100_000,
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  maxConcurrentExecutions?: number | null;

  @ApiPropertyOptional({
    description:
      "Most of the tenant's executions started per second, across all workers. Excess executions wait.",
    minimum: 1,
    maximum: 1_000_000,
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxExecutionsPerSecond?: number | null;
}
