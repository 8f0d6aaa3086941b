import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAuthKeyCheck } from '../auth/current-auth-key';
import { UserRepository } from '../auth/ports/user.repository';
import { Authenticated, CurrentUser, Principal } from '../common/auth/auth.decorators';
import { Unauthenticated } from '../common/errors/common.errors';
import { ErrorBody } from '../common/errors/error-body';
import { raise } from '../common/errors/raise';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { fromBase64 } from '../common/http/base64';
import { RateLimit } from '../common/http/rate-limit';
import {
  BackupCodesDto,
  BeginTotpRequestDto,
  PasskeyDto,
  PasskeyEnrolmentRequestDto,
  DisableTotpRequestDto,
  SecondFactorCodeDto,
  SecondFactorStatusDto,
  TotpEnrolmentDto,
} from './dto/second-factor.dto';
import { PasskeyService } from './passkey.service';
import { SecondFactorService } from './second-factor.service';

/** Enrolling, confirming and removing the TOTP second factor; the login's second step is in AuthController. */
@ApiTags('auth')
@RateLimit('auth')
@ApiResponse({ status: 429, type: ErrorBody, description: 'RATE_LIMITED, with Retry-After' })
@ApiErrors([400, 'VALIDATION_FAILED'])
@Controller('api/auth/2fa')
export class SecondFactorController {
  constructor(
    private readonly secondFactor: SecondFactorService,
    private readonly currentAuthKey: CurrentAuthKeyCheck,
    private readonly users: UserRepository,
    private readonly passkeys: PasskeyService,
  ) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SecondFactorStatusDto })
  async status(@CurrentUser() user: Principal): Promise<SecondFactorStatusDto> {
    const status = await this.secondFactor.status(user.userId);
    return { ...status, passkeys: status.passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt.toISOString() })) };
  }

  @Post('passkeys/options')
  @Authenticated()
  @ApiCreatedResponse({ type: Object, description: 'WebAuthn PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create; valid 5 minutes' })
  @ApiErrors([401, 'INVALID_CREDENTIALS (currentAuthKey is wrong)'])
  async passkeyOptions(@CurrentUser() user: Principal, @Body() body: BeginTotpRequestDto): Promise<object> {
    await this.currentAuthKey.verify(user.userId, fromBase64(body.currentAuthKey));
    const account = (await this.users.findById(user.userId)) ?? raise(new Unauthenticated());
    return this.passkeys.enrolmentOptions(user.userId, account.email);
  }

  @Post('passkeys')
  @Authenticated()
  @ApiCreatedResponse({ type: PasskeyDto, description: 'the passkey is on: every later login needs it (or the TOTP factor, when both are set)' })
  @ApiErrors([401, 'INVALID_SECOND_FACTOR (the answer does not verify: wrong challenge, origin or RP id)'], [409, 'NO_PENDING_ENROLMENT (no options asked for, or over 5 minutes ago)'])
  async addPasskey(@CurrentUser() user: Principal, @Body() body: PasskeyEnrolmentRequestDto): Promise<PasskeyDto> {
    const passkey = await this.passkeys.enrol(user.userId, body.response as unknown as RegistrationResponseJSON, body.name);
    return { id: passkey.id, name: passkey.name, createdAt: passkey.createdAt.toISOString() };
  }

  @Delete('passkeys/:credentialId')
  @Authenticated()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the passkey no longer answers the second step' })
  @ApiErrors([401, 'INVALID_CREDENTIALS (currentAuthKey is wrong)'], [404, 'PASSKEY_NOT_FOUND'])
  async removePasskey(@CurrentUser() user: Principal, @Param('credentialId') credentialId: string, @Body() body: BeginTotpRequestDto): Promise<void> {
    await this.currentAuthKey.verify(user.userId, fromBase64(body.currentAuthKey));
    await this.passkeys.remove(user.userId, credentialId);
  }

  @Post('totp')
  @Authenticated()
  @ApiCreatedResponse({ type: TotpEnrolmentDto, description: 'a pending secret (replacing an unconfirmed one); nothing changes at login until it is confirmed' })
  @ApiErrors([401, 'INVALID_CREDENTIALS (currentAuthKey is wrong)'], [409, 'SECOND_FACTOR_ENABLED'])
  async beginTotp(@CurrentUser() user: Principal, @Body() body: BeginTotpRequestDto): Promise<TotpEnrolmentDto> {
    await this.currentAuthKey.verify(user.userId, fromBase64(body.currentAuthKey));
    const account = (await this.users.findById(user.userId)) ?? raise(new Unauthenticated());
    return this.secondFactor.beginTotp(user.userId, account.email);
  }

  @Post('totp/confirm')
  @Authenticated()
  @HttpCode(200)
  @ApiOkResponse({ type: BackupCodesDto, description: 'the factor is on; every later login needs a code' })
  @ApiErrors([401, 'INVALID_SECOND_FACTOR'], [409, 'NO_PENDING_ENROLMENT', 'SECOND_FACTOR_ENABLED'])
  confirmTotp(@CurrentUser() user: Principal, @Body() body: SecondFactorCodeDto): Promise<BackupCodesDto> {
    return this.secondFactor.confirmTotp(user.userId, body.code);
  }

  @Delete('totp')
  @Authenticated()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the factor and its backup codes are gone' })
  @ApiErrors([401, 'INVALID_CREDENTIALS (currentAuthKey is wrong)', 'INVALID_SECOND_FACTOR'], [409, 'SECOND_FACTOR_NOT_ENABLED'])
  async disableTotp(@CurrentUser() user: Principal, @Body() body: DisableTotpRequestDto): Promise<void> {
    await this.currentAuthKey.verify(user.userId, fromBase64(body.currentAuthKey));
    await this.secondFactor.disable(user.userId, body.code);
  }
}
