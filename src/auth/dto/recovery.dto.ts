import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsObject, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsBase64Bytes } from '../../common/http/base64';
import { KdfParamsDto } from './kdf-params.dto';
import { PRIV_MAX, PRIV_MIN } from './key-bundle.dto';

const RECOVERY_AUTH_KEY_BYTES = 32;

/** A recovery key's wrapping as the client makes it: the proof and the private keys sealed under it. */
export class RecoveryWrappingDto {
  @ApiProperty({ format: 'byte', description: "proof of the recovery key, 32 bytes (HKDF of the key, label 'mindvault/v2/recovery-auth-key'); stored only as an argon2id hash" })
  @IsBase64Bytes(RECOVERY_AUTH_KEY_BYTES)
  recoveryAuthKey: string;

  @ApiProperty({ format: 'byte', description: 'the X25519 private key sealed under the recovery wrapping key' })
  @IsBase64Bytes(PRIV_MIN, PRIV_MAX)
  classicalPrivEncrypted: string;

  @ApiProperty({ format: 'byte', description: 'the ML-KEM-768 seed sealed under the recovery wrapping key' })
  @IsBase64Bytes(PRIV_MIN, PRIV_MAX)
  pqPrivEncrypted: string;
}

export class SetRecoveryKeyRequestDto {
  @ApiProperty({ format: 'byte', description: 'proof of the current password: a bearer token alone cannot set a recovery key' })
  @IsBase64Bytes(32)
  currentAuthKey: string;

  @ApiProperty({ minimum: 1, description: "the keyVersion of the private keys wrapped here: the account's current one, else 409 KEY_VERSION_CONFLICT" })
  @IsInt() @Min(1)
  keyVersion: number;

  @ApiProperty({ type: RecoveryWrappingDto, description: 'replaces any earlier recovery key, which stops working' })
  @IsObject() @ValidateNested() @Type(() => RecoveryWrappingDto)
  recovery: RecoveryWrappingDto;
}

/** The stored recovery wrapping, as the owner may read it back (for an encrypted backup). */
export class StoredRecoveryWrappingDto {
  @ApiProperty({ minimum: 1, description: 'the keyVersion of the private keys wrapped here' })
  keyVersion: number;

  @ApiProperty({ format: 'byte' })
  classicalPrivEncrypted: string;

  @ApiProperty({ format: 'byte' })
  pqPrivEncrypted: string;
}

export class RecoveryStatusDto {
  @ApiProperty({ description: 'whether a recovery key can reset this password' })
  enabled: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the current recovery key was made' })
  createdAt: string | null;

  @ApiProperty({ type: StoredRecoveryWrappingDto, nullable: true, description: 'the private keys as the recovery key wrapped them (ciphertext only the key opens), for a backup the recovery key can open; null without one' })
  wrapping: StoredRecoveryWrappingDto | null;
}

export class RecoveryKeyMaterialRequestDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ format: 'byte', description: 'proof of the recovery key, 32 bytes' })
  @IsBase64Bytes(RECOVERY_AUTH_KEY_BYTES)
  recoveryAuthKey: string;
}

export class RecoveryKeyMaterialDto {
  @ApiProperty({ minimum: 1 })
  keyVersion: number;

  @ApiProperty({ format: 'byte', description: "the account's X25519 public key (to check the unwrapped private key against)" })
  classicalPublicKey: string;

  @ApiProperty({ format: 'byte', description: "the account's ML-KEM-768 public key" })
  pqPublicKey: string;

  @ApiProperty({ format: 'byte', description: 'the X25519 private key sealed under the recovery wrapping key' })
  classicalPrivEncrypted: string;

  @ApiProperty({ format: 'byte', description: 'the ML-KEM-768 seed sealed under the recovery wrapping key' })
  pqPrivEncrypted: string;
}

export class RecoverRequestDto extends RecoveryKeyMaterialRequestDto {
  @ApiProperty({ format: 'byte', description: 'proof of the new password' })
  @IsBase64Bytes(32)
  newAuthKey: string;

  @ApiProperty({ type: KdfParamsDto })
  @IsObject() @ValidateNested() @Type(() => KdfParamsDto)
  kdf: KdfParamsDto;

  @ApiProperty({ format: 'byte', description: "the same X25519 private key sealed under the new password's key" })
  @IsBase64Bytes(PRIV_MIN, PRIV_MAX)
  classicalPrivEncrypted: string;

  @ApiProperty({ format: 'byte', description: "the same ML-KEM-768 seed sealed under the new password's key" })
  @IsBase64Bytes(PRIV_MIN, PRIV_MAX)
  pqPrivEncrypted: string;

  @ApiProperty({ minimum: 1, description: "the keyVersion of the private keys sealed here: the account's current one, else 409 KEY_VERSION_CONFLICT" })
  @IsInt() @Min(1)
  keyVersion: number;

  @ApiProperty({ type: RecoveryWrappingDto, description: 'the new recovery key that replaces the one used here' })
  @IsObject() @ValidateNested() @Type(() => RecoveryWrappingDto)
  newRecovery: RecoveryWrappingDto;
}
