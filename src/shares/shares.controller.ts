import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, Principal } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { fromEnvelopeDto } from '../common/http/envelope.dto';
import { UuidParams } from '../common/http/uuid-params';
import { toShareSummaryDto } from './dto/share-dto.mapper';
import { CreatedShareDto, CreateShareDto, ListSharesQueryDto, ShareListDto } from './dto/share.dto';
import { SharesService } from './shares.service';

const DEFAULT_PAGE = 20;

/** The owner's side of link shares; the link side is /api/public/shares/:token. */
@ApiTags('sharing')
@Authenticated()
@ApiErrors([400, 'VALIDATION_FAILED'], [404, 'MAP_NOT_FOUND'])
@Controller('api/mindmaps/:id/shares')
export class SharesController {
  constructor(private readonly shares: SharesService) {}

  @Post()
  @UuidParams('id')
  @ApiCreatedResponse({ type: CreatedShareDto })
  @ApiErrors([403, 'SHARE_LIMIT_REACHED (with tier, limit)'], [404, 'VERSION_NOT_FOUND'], [409, 'KEY_VERSION_CONFLICT (with currentKeyVersion)'])
  async create(@CurrentUser() user: Principal, @Param('id') id: string, @Body() body: CreateShareDto): Promise<CreatedShareDto> {
    const { share, token } = await this.shares.create(user.userId, id, {
      envelope: fromEnvelopeDto(body.envelope),
      keyVersion: body.keyVersion,
      expiresAt: body.expiresAt === undefined ? undefined : new Date(body.expiresAt),
      versionId: body.versionId,
    });
    return { shareId: share.id, token };
  }

  @Get()
  @UuidParams('id')
  @ApiOkResponse({ type: ShareListDto, description: 'a page of the map\'s shares, newest first' })
  async list(@CurrentUser() user: Principal, @Param('id') id: string, @Query() query: ListSharesQueryDto): Promise<ShareListDto> {
    const now = new Date();
    const page = await this.shares.list(user.userId, id, query.limit ?? DEFAULT_PAGE, query.cursor);
    return { items: page.items.map((s) => toShareSummaryDto(s, now)), nextCursor: page.nextCursor };
  }

  @Delete(':shareId')
  @UuidParams('id', 'shareId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the token stops working at once' })
  @ApiErrors([404, 'SHARE_NOT_FOUND'])
  async revoke(@CurrentUser() user: Principal, @Param('id') id: string, @Param('shareId') shareId: string): Promise<void> {
    await this.shares.revoke(user.userId, id, shareId);
  }
}
