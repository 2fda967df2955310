import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_SIGNING_SECRET_GRACE_SECONDS = 86_400;
/** 30 days: longer than any receiver's deploy cycle, short enough that old secrets go away. */
export const MAX_SIGNING_SECRET_GRACE_SECONDS = 2_592_000;

export class RotateSigningSecretDto {
  @ApiPropertyOptional({
    description:
      'How long the previous secret keeps signing (a second signature) while receivers switch to the new one; 0 drops it at once.',
    minimum: 0,
    maximum: MAX_SIGNING_SECRET_GRACE_SECONDS,
    default: DEFAULT_SIGNING_SECRET_GRACE_SECONDS,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SIGNING_SECRET_GRACE_SECONDS)
  graceSeconds?: number;
}
