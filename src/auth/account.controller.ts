import { Body, Controller, Delete, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, Principal } from '../common/auth/auth.decorators';
import { ErrorBody } from '../common/errors/error-body';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { fromBase64 } from '../common/http/base64';
import { RateLimit } from '../common/http/rate-limit';
import { AccountDeletionService } from './account-deletion.service';
import { DeleteAccountRequestDto } from './dto/delete-account.dto';

/** The account as a whole: what its owner may do to it beyond sessions and keys. */
@ApiTags('auth')
@RateLimit('auth')
@ApiResponse({ status: 429, type: ErrorBody, description: 'RATE_LIMITED, with Retry-After' })
@ApiErrors([400, 'VALIDATION_FAILED'])
@Controller('api/auth')
export class AccountController {
  constructor(private readonly deletion: AccountDeletionService) {}

  @Delete('account')
  @Authenticated()
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'the account and everything it owns are deleted at once: maps, versions, stored objects, share links, sessions, usage, subscription rows; a subscription still billing is cancelled with the payment provider in the background',
  })
  @ApiErrors([401, 'INVALID_CREDENTIALS (currentAuthKey is wrong)'])
  async deleteAccount(@CurrentUser() user: Principal, @Body() body: DeleteAccountRequestDto): Promise<void> {
    await this.deletion.delete(user.userId, fromBase64(body.currentAuthKey));
  }
}
