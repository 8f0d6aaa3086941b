import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
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
  DisableTotpRequestDto,
  SecondFactorCodeDto,
  SecondFactorStatusDto,
  TotpEnrolmentDto,
} from './dto/second-factor.dto';
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
  ) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SecondFactorStatusDto })
  status(@CurrentUser() user: Principal): Promise<SecondFactorStatusDto> {
    return this.secondFactor.status(user.userId);
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
