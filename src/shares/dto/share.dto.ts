import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { EnvelopeDto } from '../../common/http/envelope.dto';

export class CreateShareDto {
  @ApiProperty({ type: EnvelopeDto, description: "the map's data key wrapped under the key in the link's URL fragment" })
  @IsObject() @ValidateNested() @Type(() => EnvelopeDto)
  envelope: EnvelopeDto;

  @ApiProperty({ minimum: 1, description: "the account's keyVersion whose keys opened the data key; else 409 KEY_VERSION_CONFLICT" })
  @IsInt() @Min(1)
  keyVersion: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'in the future; the link stops working then. Absent: no expiry' })
  @IsOptional() @IsISO8601({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "a saved version of the map to pin; absent: the link follows the map's head" })
  @IsOptional() @IsUUID()
  versionId?: string;
}

export class CreatedShareDto {
  @ApiProperty({ format: 'uuid' }) shareId: string;
  @ApiProperty({ description: '256 random bits, base64url; shown once, only its hash is stored' }) token: string;
}

export class ShareSummaryDto {
  @ApiProperty({ format: 'uuid' }) shareId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'the pinned version; null follows the head' })
  versionId: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty({ description: 'past expiresAt: the link no longer opens' }) expired: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ShareListDto {
  @ApiProperty({ type: [ShareSummaryDto], description: 'newest first' }) items: ShareSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' })
  nextCursor: string | null;
}

export class ListSharesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(256)
  cursor?: string;
}

