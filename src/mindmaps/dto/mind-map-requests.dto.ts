import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested, IsObject, ValidateIf } from 'class-validator';
import { IsBase64Bytes } from '../../common/http/base64';
import { EnvelopeDto } from '../../common/http/envelope.dto';

/** Encrypted titles: nonce, tag and a short title fit easily; the cap keeps rows small. */
const TITLE_MAX_BYTES = 4096;

export class CreateMindMapDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'a fresh random UUID chosen by the client, so the envelope and title can be bound to the map id from the start; else the server picks one. 409 MAP_ID_TAKEN when in use',
  })
  @IsOptional() @IsUUID()
  id?: string;

  @ApiProperty({ format: 'byte', description: `title encrypted under the map key, 1..${TITLE_MAX_BYTES} bytes` })
  @IsBase64Bytes(1, TITLE_MAX_BYTES)
  encryptedTitle: string;

  @ApiProperty({ type: EnvelopeDto })
  @IsObject() @ValidateNested() @Type(() => EnvelopeDto)
  envelope: EnvelopeDto;

  @ApiProperty({ minimum: 1, description: "the account's keyVersion the envelope was made for; else 409 KEY_VERSION_CONFLICT" })
  @IsInt() @Min(1)
  keyVersion: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 20 })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  maxVersions?: number;
}

/**
 * A PATCH field may be left out but never null: IsOptional would let a null (or an empty array as
 * the envelope) through and erase the title or the map's wrapped key.
 */
const Absent = () => ValidateIf((_, value) => value !== undefined);

export class UpdateMindMapDto {
  @ApiPropertyOptional({ format: 'byte' })
  @Absent() @IsBase64Bytes(1, TITLE_MAX_BYTES)
  encryptedTitle?: string;

  @ApiPropertyOptional({ type: EnvelopeDto, description: 'a new wrapping of the data key, or a fresh data key; needs keyVersion' })
  @Absent() @IsObject() @ValidateNested() @Type(() => EnvelopeDto)
  envelope?: EnvelopeDto;

  @ApiPropertyOptional({ minimum: 1, description: "required with envelope: the account's keyVersion it was made for; else 409 KEY_VERSION_CONFLICT" })
  @ValidateIf((body: UpdateMindMapDto, value) => value !== undefined || body.envelope !== undefined) @IsInt() @Min(1)
  keyVersion?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000 })
  @Absent() @IsInt() @Min(1) @Max(1000)
  maxVersions?: number;
}

/** An encrypted version name: nonce, tag and a name of a few hundred characters fit. */
export const LABEL_MAX_BYTES = 1024;

export class UpdateVersionDto {
  @ApiPropertyOptional({
    format: 'byte',
    nullable: true,
    type: String,
    description: `the version's name encrypted by the client (crypto.md, Version names), 1..${LABEL_MAX_BYTES} bytes; null removes it`,
  })
  @ValidateIf((_, value) => value !== undefined && value !== null) @IsBase64Bytes(1, LABEL_MAX_BYTES)
  encryptedLabel?: string | null;

  @ApiPropertyOptional({ description: 'pinned versions are never thinned; 409 PIN_LIMIT_REACHED past the plan\'s maxPinnedVersions' })
  @Absent() @IsBoolean()
  pinned?: boolean;
}

export class ListMindMapsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(256)
  cursor?: string;
}

export class DownloadQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'a saved version; the head when absent' })
  @IsOptional() @IsUUID()
  versionId?: string;
}

/** The largest maxVersions: a request without `limit` still gets every version of a map. */
export const VERSION_PAGE_MAX = 1000;

export class ListVersionsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: VERSION_PAGE_MAX, default: VERSION_PAGE_MAX })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(VERSION_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(256)
  cursor?: string;
}
