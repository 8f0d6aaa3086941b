import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsBase64Bytes } from '../../common/http/base64';
import { EnvelopeDto } from './envelope.dto';

/** Encrypted titles: nonce, tag and a short title fit easily; the cap keeps rows small. */
const TITLE_MAX_BYTES = 4096;

export class CreateMindMapDto {
  @ApiProperty({ format: 'byte', description: `title encrypted under the map key, 1..${TITLE_MAX_BYTES} bytes` })
  @IsBase64Bytes(1, TITLE_MAX_BYTES)
  encryptedTitle: string;

  @ApiProperty({ type: EnvelopeDto })
  @ValidateNested() @Type(() => EnvelopeDto)
  envelope: EnvelopeDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 20 })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  maxVersions?: number;
}

export class UpdateMindMapDto {
  @ApiPropertyOptional({ format: 'byte' })
  @IsOptional() @IsBase64Bytes(1, TITLE_MAX_BYTES)
  encryptedTitle?: string;

  @ApiPropertyOptional({ type: EnvelopeDto })
  @IsOptional() @ValidateNested() @Type(() => EnvelopeDto)
  envelope?: EnvelopeDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000 })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  maxVersions?: number;
}

export class ListMindMapsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(256)
  cursor?: string;
}

export class MapIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class VersionParams extends MapIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  versionId: string;
}

export class DownloadQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'a saved version; the head when absent' })
  @IsOptional() @IsUUID()
  versionId?: string;
}
