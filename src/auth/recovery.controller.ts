import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, Principal, Public } from '../common/auth/auth.decorators';
import { ErrorBody } from '../common/errors/error-body';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { fromBase64 } from '../common/http/base64';
import { RateLimit } from '../common/http/rate-limit';
import { fromKdfDto } from './dto/auth-dto.mapper';
import {
  RecoverRequestDto,
  RecoveryKeyMaterialDto,
  RecoveryKeyMaterialRequestDto,
  RecoveryStatusDto,
  RecoveryWrappingDto,
  SetRecoveryKeyRequestDto,
} from './dto/recovery.dto';
import { RecoveryService, RecoveryWrapping } from './recovery.service';

/** The recovery key: set from an open session, spent without one to choose a new password. */
@ApiTags('auth')
@RateLimit('auth')
@ApiResponse({ status: 429, type: ErrorBody, description: 'RATE_LIMITED, with Retry-After' })
@ApiErrors([400, 'VALIDATION_FAILED'])
@Controller('api/auth')
export class RecoveryController {
  constructor(private readonly recovery: RecoveryService) {}

  @Get('recovery')
  @Authenticated()
  @ApiOkResponse({ type: RecoveryStatusDto })
  async status(@CurrentUser() user: Principal): Promise<RecoveryStatusDto> {
    const key = await this.recovery.status(user.userId);
    if (key === undefined) return { enabled: false, createdAt: null, wrapping: null };
    return {
      enabled: true,
      createdAt: key.createdAt.toISOString(),
      wrapping: { keyVersion: key.keyVersion, classicalPrivEncrypted: key.classicalPrivEncrypted.toString('base64'), pqPrivEncrypted: key.pqPrivEncrypted.toString('base64') },
    };
  }

  @Put('recovery')
  @Authenticated()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the recovery key is set; an earlier one stops working' })
  @ApiErrors([401, 'INVALID_CREDENTIALS (currentAuthKey is wrong)'], [409, 'KEY_VERSION_CONFLICT (with currentKeyVersion)'])
  async set(@CurrentUser() user: Principal, @Body() body: SetRecoveryKeyRequestDto): Promise<void> {
    await this.recovery.set(user.userId, fromBase64(body.currentAuthKey), body.keyVersion, fromWrappingDto(body.recovery));
  }

  @Public()
  @Post('recover/key-material')
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryKeyMaterialDto, description: 'the private keys as the recovery key wrapped them, and the public keys they belong to' })
  @ApiErrors(
    [401, 'INVALID_RECOVERY_KEY (wrong or used proof, no recovery key, unknown email: one answer)'],
    [403, 'ACCOUNT_DISABLED'],
    [429, 'RATE_LIMITED (per IP)', 'RECOVERY_THROTTLED (per account, with Retry-After and retryAfterS)'],
  )
  async keyMaterial(@Body() body: RecoveryKeyMaterialRequestDto): Promise<RecoveryKeyMaterialDto> {
    const material = await this.recovery.keyMaterial(body.email, fromBase64(body.recoveryAuthKey));
    return {
      keyVersion: material.keyVersion,
      classicalPublicKey: material.publicKeys.classicalPublicKey.toString('base64'),
      pqPublicKey: material.publicKeys.pqPublicKey.toString('base64'),
      classicalPrivEncrypted: material.classicalPrivEncrypted.toString('base64'),
      pqPrivEncrypted: material.pqPrivEncrypted.toString('base64'),
    };
  }

  @Public()
  @Post('recover')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'the new password is set, the used recovery key replaced by the new one, and every session ended: log in with the new password',
  })
  @ApiErrors(
    [401, 'INVALID_RECOVERY_KEY (wrong or used proof, no recovery key, unknown email: one answer)'],
    [403, 'ACCOUNT_DISABLED'],
    [409, 'KEY_VERSION_CONFLICT (with currentKeyVersion: the keys were rotated meanwhile)'],
    [429, 'RATE_LIMITED (per IP)', 'RECOVERY_THROTTLED (per account, with Retry-After and retryAfterS)'],
  )
  async recover(@Body() body: RecoverRequestDto): Promise<void> {
    await this.recovery.recover({
      email: body.email,
      recoveryAuthKey: fromBase64(body.recoveryAuthKey),
      newAuthKey: fromBase64(body.newAuthKey),
      kdf: fromKdfDto(body.kdf),
      classicalPrivEncrypted: fromBase64(body.classicalPrivEncrypted),
      pqPrivEncrypted: fromBase64(body.pqPrivEncrypted),
      keyVersion: body.keyVersion,
      newRecovery: fromWrappingDto(body.newRecovery),
    });
  }
}

function fromWrappingDto(dto: RecoveryWrappingDto): RecoveryWrapping {
  return {
    recoveryAuthKey: fromBase64(dto.recoveryAuthKey),
    classicalPrivEncrypted: fromBase64(dto.classicalPrivEncrypted),
    pqPrivEncrypted: fromBase64(dto.pqPrivEncrypted),
  };
}
