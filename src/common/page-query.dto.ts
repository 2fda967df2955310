import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { toInteger } from './query-transforms.js';

/**
 * 1,000,000 pages of up to 200: an offset of 2e8 rows, beyond any real listing. Unbounded, a
 * page such as 1e20 made an OFFSET PostgreSQL cannot represent (a 500).
 */
export const MAX_PAGE = 1_000_000;

/** `page` and `limit` of an offset-paged listing (jobs, tenants). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}
