import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { TIERS, Tier } from '../../config/app-config';

export const ROLES = ['user', 'admin'] as const;

export class ListUsersQueryDto {
  @ApiPropertyOptional({ description: 'email prefix, case-insensitive' })
  @IsOptional() @IsString() @MaxLength(254)
  query?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(512)
  cursor?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: TIERS, nullable: true, description: 'wins over any subscription; null removes it' })
  @IsOptional() @ValidateIf((_, value) => value !== null) @IsIn(TIERS)
  tierOverride?: Tier | null;

  @ApiPropertyOptional({ description: "true signs the user out everywhere at once (tokens stop working)" })
  @IsOptional() @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional() @IsIn(ROLES)
  role?: (typeof ROLES)[number];
}
