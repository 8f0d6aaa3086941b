import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { MAX_MAPS_PER_ROTATION } from '../key-rotation-limit';
import { IsArray, IsEmail, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested, IsUUID, ArrayMaxSize, IsObject } from 'class-validator';
import { IsBase64Bytes } from '../../common/http/base64';
import { EnvelopeDto } from '../../common/http/envelope.dto';
import { WRAPPED_DEK_MAX } from '../../common/http/envelope.dto';
import { WRAPPED_DEK_MIN } from '../../common/http/envelope.dto';
import { KdfParamsDto } from './kdf-params.dto';
import { KeyBundleInputDto, PRIV_MAX, PRIV_MIN } from './key-bundle.dto';

const AUTH_KEY_BYTES = 32;

export class PreloginRequestDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail() @MaxLength(254)
  email: string;
}

export class RegisterRequestDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ format: 'byte', description: 'proof of password derived by the client, 32 bytes' })
  @IsBase64Bytes(AUTH_KEY_BYTES)
  authKey: string;

  @ApiProperty({ type: KdfParamsDto })
  @IsObject() @ValidateNested() @Type(() => KdfParamsDto)
  kdf: KdfParamsDto;

  @ApiProperty({ type: KeyBundleInputDto })
  @IsObject() @ValidateNested() @Type(() => KeyBundleInputDto)
  keys: KeyBundleInputDto;
}

export class LoginRequestDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ format: 'byte' })
  @IsBase64Bytes(AUTH_KEY_BYTES)
  authKey: string;
}

export class RefreshRequestDto {
  @ApiProperty()
  @IsString() @MaxLength(200)
  refreshToken: string;
}

export class VersionEnvelopeDto {
  @ApiProperty({ format: 'byte', description: 'the wrappedDek of the version envelope this replaces (unique per wrap)' })
  @IsBase64Bytes(WRAPPED_DEK_MIN, WRAPPED_DEK_MAX)
  previousWrappedDek: string;

  @ApiProperty({ type: EnvelopeDto, description: 'the same data key wrapped for the new keys' })
  @IsObject() @ValidateNested() @Type(() => EnvelopeDto)
  envelope: EnvelopeDto;
}

export class MapEnvelopeDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;

  @ApiProperty({ type: EnvelopeDto, description: "the map's data key wrapped for the new keys; also replaces every version envelope equal to the map's current one" })
  @IsObject() @ValidateNested() @Type(() => EnvelopeDto)
  envelope: EnvelopeDto;

  @ApiPropertyOptional({
    type: [VersionEnvelopeDto],
    description: "a new envelope for every other distinct envelope of the map's versions, else 400 ROTATION_INCOMPLETE",
  })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => VersionEnvelopeDto)
  versionEnvelopes?: VersionEnvelopeDto[];
}

export class RotateKeysRequestDto {
  @ApiProperty({ format: 'byte', description: 'proof of the current password; a bearer token alone cannot rotate' })
  @IsBase64Bytes(AUTH_KEY_BYTES)
  currentAuthKey: string;

  @ApiProperty({ type: KeyBundleInputDto })
  @IsObject() @ValidateNested() @Type(() => KeyBundleInputDto)
  keys: KeyBundleInputDto;

  @ApiProperty({ description: 'the current keyVersion + 1' })
  @IsInt() @Min(2)
  keyVersion: number;

  @ApiProperty({ type: [MapEnvelopeDto], description: 'a new envelope for every owned map' })
  @IsArray() @ArrayMaxSize(MAX_MAPS_PER_ROTATION) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => MapEnvelopeDto)
  maps: MapEnvelopeDto[];
}

export class ChangePasswordRequestDto {
  @ApiProperty({ format: 'byte' })
  @IsBase64Bytes(AUTH_KEY_BYTES)
  currentAuthKey: string;

  @ApiProperty({ format: 'byte' })
  @IsBase64Bytes(AUTH_KEY_BYTES)
  newAuthKey: string;

  @ApiProperty({ type: KdfParamsDto })
  @IsObject() @ValidateNested() @Type(() => KdfParamsDto)
  kdf: KdfParamsDto;

  @ApiProperty({ format: 'byte' })
  @IsBase64Bytes(PRIV_MIN, PRIV_MAX)
  classicalPrivEncrypted: string;

  @ApiProperty({ format: 'byte' })
  @IsBase64Bytes(PRIV_MIN, PRIV_MAX)
  pqPrivEncrypted: string;

  @ApiProperty({ minimum: 1, description: "the keyVersion of the private keys re-sealed here: the account's current one, else 409 KEY_VERSION_CONFLICT" })
  @IsInt() @Min(1)
  keyVersion: number;
}
