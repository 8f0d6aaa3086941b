import { ApiProperty } from '@nestjs/swagger';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsBase64Bytes } from '../../common/http/base64';

/** Six digits from the app, or a backup code (`xxxxx-xxxxx`, any case, spaces and dashes ignored). */
const CODE = /^[A-Za-z0-9\s-]{6,16}$/;

export class SecondFactorCodeDto {
  @ApiProperty({ example: '123456', description: 'a 6-digit TOTP code, or a backup code (`xxxxx-xxxxx`)' })
  @IsString() @MaxLength(16) @Matches(CODE, { message: 'code must be 6 digits or a backup code' })
  code: string;
}

export class BeginTotpRequestDto {
  @ApiProperty({ format: 'byte', description: 'proof of the current password (32 bytes): a bearer token alone cannot add a factor' })
  @IsBase64Bytes(32)
  currentAuthKey: string;
}

export class DisableTotpRequestDto extends SecondFactorCodeDto {
  @ApiProperty({ format: 'byte', description: 'proof of the current password (32 bytes)' })
  @IsBase64Bytes(32)
  currentAuthKey: string;
}

export class ChallengeTokenDto {
  @ApiProperty({ description: 'the challengeToken of the SECOND_FACTOR_REQUIRED answer' })
  @IsString() @MaxLength(100)
  challengeToken: string;
}

/** Exactly one of `code` and `passkey`. */
export class SecondStepRequestDto extends ChallengeTokenDto {
  @ApiPropertyOptional({ example: '123456', description: 'a 6-digit TOTP code, or a backup code (`xxxxx-xxxxx`)' })
  @IsOptional() @IsString() @MaxLength(16) @Matches(CODE, { message: 'code must be 6 digits or a backup code' })
  code?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "a passkey's signature of the options from POST /api/auth/login/second-factor/passkey-options (WebAuthn AuthenticationResponseJSON)" })
  @IsOptional() @IsObject()
  passkey?: Record<string, unknown>;
}

export class PasskeyEnrolmentRequestDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: "the authenticator's answer to the enrolment options (WebAuthn RegistrationResponseJSON)" })
  @IsObject()
  response: Record<string, unknown>;

  @ApiProperty({ example: 'Laptop', description: 'a name to tell this passkey apart, 1..60 characters' })
  @IsString() @MinLength(1) @MaxLength(60)
  name: string;
}

export class PasskeyDto {
  @ApiProperty({ description: 'the credential id (base64url)' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'the shared secret, base32 (RFC 4648), for typing into an app by hand' })
  secret: string;

  @ApiProperty({ example: 'otpauth://totp/Mindvault:ada%40example.com?secret=…&issuer=Mindvault&digits=6&period=30', description: 'what an authenticator app scans, as a QR code' })
  otpauthUri: string;
}

export class BackupCodesDto {
  @ApiProperty({ type: [String], description: 'ten single-use codes, shown this once' })
  backupCodes: string[];
}

export class SecondFactorStatusDto {
  @ApiProperty()
  totpEnabled: boolean;

  @ApiProperty({ description: 'unused backup codes (0 without a factor)' })
  backupCodesLeft: number;

  @ApiProperty({ type: [PasskeyDto], description: 'passkeys that can answer the second step' })
  passkeys: PasskeyDto[];
}
