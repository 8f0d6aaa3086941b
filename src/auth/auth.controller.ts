import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, Principal, Public } from '../common/auth/auth.decorators';
import { ValidationFailed } from '../common/errors/common.errors';
import { ErrorBody } from '../common/errors/error-body';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { fromBase64 } from '../common/http/base64';
import { BodyLimit } from '../common/http/body-limit';
import { CallerBodyLimit } from '../common/http/caller-body-limit';
import { RateLimit } from '../common/http/rate-limit';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { ChallengeTokenDto, SecondStepRequestDto } from '../second-factor/dto/second-factor.dto';
import { SecondFactorService } from '../second-factor/second-factor.service';
import { AuthService } from './auth.service';
import { fromKdfDto, fromKeyBundleDto, fromMapEnvelopeDto, toKdfDto, toKeyBundleDto } from './dto/auth-dto.mapper';
import {
  ChangePasswordRequestDto,
  LoginRequestDto,
  PreloginRequestDto,
  RefreshRequestDto,
  RegisterRequestDto,
  RotateKeysRequestDto,
} from './dto/auth-requests.dto';
import { PreloginResponseDto, TokenPairDto } from './dto/auth-responses.dto';
import { KeyBundleResponseDto } from './dto/key-bundle.dto';
import { keyRotationBodyLimit, keyRotationBodyLimitFor } from './key-rotation-limit';

@ApiTags('auth')
@RateLimit('auth')
@ApiResponse({ status: 429, type: ErrorBody, description: 'RATE_LIMITED, with Retry-After' })
@ApiErrors([400, 'VALIDATION_FAILED'])
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly secondFactors: SecondFactorService,
  ) {}

  @Public()
  @Post('prelogin')
  @HttpCode(200)
  @ApiOkResponse({ type: PreloginResponseDto, description: 'a stable fake for unknown emails' })
  async prelogin(@Body() body: PreloginRequestDto): Promise<PreloginResponseDto> {
    return { kdf: toKdfDto(await this.auth.prelogin(body.email)) };
  }

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: TokenPairDto })
  @ApiErrors([400, 'VALIDATION_FAILED', 'EMAIL_NOT_ACCEPTED (invisible or format characters, a quoted local part, mixed scripts, a lookalike of another address)'], [409, 'EMAIL_TAKEN'])
  register(@Body() body: RegisterRequestDto): Promise<TokenPairDto> {
    return this.auth.register({
      email: body.email,
      authKey: fromBase64(body.authKey),
      kdf: fromKdfDto(body.kdf),
      keys: fromKeyBundleDto(body.keys),
    });
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiErrors(
    [401, 'INVALID_CREDENTIALS', 'SECOND_FACTOR_REQUIRED (with challengeToken, expiresInS, methods: finish at POST /api/auth/login/second-factor)'],
    [403, 'ACCOUNT_DISABLED'],
    [429, 'RATE_LIMITED (per IP)', 'LOGIN_THROTTLED (per account, with Retry-After and retryAfterS)'],
  )
  login(@Body() body: LoginRequestDto): Promise<TokenPairDto> {
    return this.auth.login(body.email, fromBase64(body.authKey));
  }

  @Public()
  @Post('login/second-factor')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto, description: 'the challenge and the code are spent' })
  @ApiErrors(
    [401, 'INVALID_SECOND_FACTOR (wrong, expired or used code; a passkey signature that does not verify)', 'INVALID_CHALLENGE (unknown, expired, used, or closed after 5 wrong codes)'],
    [403, 'ACCOUNT_DISABLED'],
    [429, 'RATE_LIMITED (per IP)', 'LOGIN_THROTTLED (per account, with Retry-After and retryAfterS)'],
  )
  secondFactor(@Body() body: SecondStepRequestDto): Promise<TokenPairDto> {
    if ((body.code === undefined) === (body.passkey === undefined)) {
      throw new ValidationFailed([{ field: 'code', messages: ['send exactly one of code and passkey'] }]);
    }
    return this.auth.completeSecondFactor(
      body.challengeToken,
      body.code !== undefined ? { code: body.code } : { passkey: body.passkey as unknown as AuthenticationResponseJSON },
    );
  }

  @Public()
  @Post('login/second-factor/passkey-options')
  @HttpCode(200)
  @ApiOkResponse({ type: Object, description: "WebAuthn PublicKeyCredentialRequestOptionsJSON for the account's passkeys; its challenge is kept with the login challenge" })
  @ApiErrors([401, 'INVALID_CHALLENGE (unknown, expired, used, or closed after 5 wrong answers)'])
  passkeyOptions(@Body() body: ChallengeTokenDto): Promise<object> {
    return this.secondFactors.passkeyOptions(body.challengeToken);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto, description: 'the presented token is spent' })
  @ApiErrors([401, 'REFRESH_REUSED (the whole family is revoked)', 'INVALID_REFRESH_TOKEN'])
  refresh(@Body() body: RefreshRequestDto): Promise<TokenPairDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the token and its family are revoked' })
  async logout(@Body() body: RefreshRequestDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Post('logout-all')
  @Authenticated()
  @HttpCode(204)
  @ApiNoContentResponse({
    description: "every session of the caller ends: all refresh tokens are revoked and every access token (this one too) is refused from now on",
  })
  async logoutAll(@CurrentUser() user: Principal): Promise<void> {
    await this.auth.logoutAll(user.userId);
  }

  @Get('keys')
  @Authenticated()
  @ApiOkResponse({ type: KeyBundleResponseDto })
  async keys(@CurrentUser() user: Principal): Promise<KeyBundleResponseDto> {
    const { keys, keyVersion } = await this.auth.keys(user.userId);
    return toKeyBundleDto(keys, keyVersion);
  }

  @Put('keys')
  @Authenticated()
  @BodyLimit(keyRotationBodyLimit)
  @CallerBodyLimit(keyRotationBodyLimitFor)
  @ApiOkResponse({ type: KeyBundleResponseDto })
  @ApiErrors(
    [400, 'ROTATION_INCOMPLETE (with missingMapIds, missingVersionEnvelopes)'],
    [401, 'INVALID_CREDENTIALS (currentAuthKey is wrong)'],
    [404, 'MAP_NOT_FOUND'],
    [409, 'KEY_VERSION_CONFLICT (with currentKeyVersion)'],
    [413, "BODY_TOO_LARGE (with limitBytes): over what the caller's plan can need, 16 KiB + 4 KiB per map it may own"],
  )
  async rotateKeys(@CurrentUser() user: Principal, @Body() body: RotateKeysRequestDto): Promise<KeyBundleResponseDto> {
    const maps = body.maps.map(fromMapEnvelopeDto);
    if (new Set(maps.map((m) => m.id)).size !== maps.length) {
      throw new ValidationFailed([{ field: 'maps', messages: ['each map may appear once'] }]);
    }
    if (maps.some((m) => new Set(m.versionEnvelopes.map((v) => v.previousWrappedDek.toString('base64'))).size !== m.versionEnvelopes.length)) {
      throw new ValidationFailed([{ field: 'maps.versionEnvelopes', messages: ['each previousWrappedDek may appear once per map'] }]);
    }
    const keys = fromKeyBundleDto(body.keys);
    const keyVersion = await this.auth.rotateKeys(user.userId, {
      currentAuthKey: fromBase64(body.currentAuthKey),
      keys,
      keyVersion: body.keyVersion,
      maps,
    });
    return toKeyBundleDto(keys, keyVersion);
  }

  @Put('password')
  @Authenticated()
  @ApiOkResponse({ type: TokenPairDto, description: 'other sessions are signed out; these tokens replace them' })
  @ApiErrors([401, 'INVALID_CREDENTIALS (currentAuthKey is wrong)'], [409, 'KEY_VERSION_CONFLICT (with currentKeyVersion)'])
  changePassword(@CurrentUser() user: Principal, @Body() body: ChangePasswordRequestDto): Promise<TokenPairDto> {
    return this.auth.changePassword(user.userId, {
      currentAuthKey: fromBase64(body.currentAuthKey),
      newAuthKey: fromBase64(body.newAuthKey),
      kdf: fromKdfDto(body.kdf),
      classicalPrivEncrypted: fromBase64(body.classicalPrivEncrypted),
      pqPrivEncrypted: fromBase64(body.pqPrivEncrypted),
      keyVersion: body.keyVersion,
    });
  }
}
