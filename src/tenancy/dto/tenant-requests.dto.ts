import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { TenantQuotasDto } from './tenant-quotas.dto.js';

export class CreateTenantDto {
  @ApiProperty({ example: 'acme', pattern: '^[a-z0-9][a-z0-9._-]{0,99}$' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,99}$/, {
    message:
      'name must be 1-100 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit',
  })
  name!: string;

  @ApiPropertyOptional({ type: TenantQuotasDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TenantQuotasDto)
  quotas?: TenantQuotasDto;
}

export class UpdateTenantDto extends PartialType(CreateTenantDto) {}
