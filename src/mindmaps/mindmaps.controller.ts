import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, Principal } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { Direct, principalOf } from '../common/http/direct-route';
import { fromBase64 } from '../common/http/base64';
import { ValidationFailed } from '../common/errors/common.errors';
import { toDetailDto, toInlineContentDto, toSummaryDto } from './dto/mind-map-dto.mapper';
import { fromEnvelopeDto } from '../common/http/envelope.dto';
import { UuidParams } from '../common/http/uuid-params';
import { CreateMindMapDto, ListMindMapsQueryDto, UpdateMindMapDto } from './dto/mind-map-requests.dto';
import { MindMapDetailDto, MindMapPageDto, OpenedMindMapDto } from './dto/mind-map-responses.dto';
import { MapContentService } from './map-content.service';
import { MindMapsService } from './mindmaps.service';

const DEFAULT_PAGE = 20;

@ApiTags('mind maps')
@Authenticated()
@ApiErrors([400, 'VALIDATION_FAILED'])
@Controller('api/mindmaps')
export class MindMapsController {
  constructor(
    private readonly mindMaps: MindMapsService,
    private readonly content: MapContentService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: MindMapDetailDto })
  @ApiErrors([403, 'MAP_LIMIT_REACHED (with tier, limit)'], [409, 'KEY_VERSION_CONFLICT (with currentKeyVersion)', 'MAP_ID_TAKEN'])
  async create(@CurrentUser() user: Principal, @Body() body: CreateMindMapDto): Promise<MindMapDetailDto> {
    const map = await this.mindMaps.create(user.userId, {
      ...(body.id !== undefined ? { id: body.id } : {}),
      encryptedTitle: fromBase64(body.encryptedTitle),
      envelope: fromEnvelopeDto(body.envelope),
      keyVersion: body.keyVersion,
      maxVersions: body.maxVersions,
    });
    return toDetailDto(map);
  }

  @Get()
  @ApiOkResponse({ type: MindMapPageDto, description: 'own maps only, newest first' })
  async list(@CurrentUser() user: Principal, @Query() query: ListMindMapsQueryDto): Promise<MindMapPageDto> {
    const page = await this.mindMaps.list(user.userId, query.limit ?? DEFAULT_PAGE, query.cursor);
    return { items: page.items.map(toSummaryDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @UuidParams('id')
  @ApiQuery({
    name: 'include',
    required: false,
    enum: ['content'],
    description: "`content`: the head's bytes (up to 256 KiB) and recorded envelope come with the detail, so a client opens a map in one request",
  })
  @ApiOkResponse({ type: OpenedMindMapDto })
  @ApiErrors([404, 'MAP_NOT_FOUND'], [503, 'BLOB_STORE_UNAVAILABLE (only with include=content)'])
  @Direct((request) => {
    // Any other `include` goes through Nest's pipes, whose refusal it gets.
    const include = (request.query as Record<string, unknown>).include;
    return include === undefined || include === 'content' ? [principalOf(request), (request.params as { id: string }).id, include] : undefined;
  })
  async get(@CurrentUser() user: Principal, @Param('id') id: string, @Query('include') include?: string): Promise<OpenedMindMapDto> {
    if (include === undefined) return toDetailDto(await this.mindMaps.get(user.userId, id));
    if (include !== 'content') throw new ValidationFailed([{ field: 'include', messages: ['include must be "content"'] }]);
    const { map, content } = await this.content.open(user.userId, id);
    return { ...toDetailDto(map), content: toInlineContentDto(content) };
  }

  @Patch(':id')
  @UuidParams('id')
  @ApiOkResponse({ type: MindMapDetailDto })
  @ApiErrors([404, 'MAP_NOT_FOUND'], [409, 'KEY_VERSION_CONFLICT (with currentKeyVersion)', 'MAX_VERSIONS_BELOW_PINNED (with pinned)'])
  async update(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Body() body: UpdateMindMapDto,
  ): Promise<MindMapDetailDto> {
    const map = await this.mindMaps.update(user.userId, id, {
      ...(body.encryptedTitle !== undefined ? { encryptedTitle: fromBase64(body.encryptedTitle) } : {}),
      ...(body.envelope !== undefined ? { envelope: fromEnvelopeDto(body.envelope) } : {}),
      ...(body.maxVersions !== undefined ? { maxVersions: body.maxVersions } : {}),
      ...(body.keyVersion !== undefined ? { keyVersion: body.keyVersion } : {}),
    });
    return toDetailDto(map);
  }

  @Delete(':id')
  @UuidParams('id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the map, its versions and stored objects are gone; usage dropped' })
  @ApiErrors([404, 'MAP_NOT_FOUND'])
  async delete(@CurrentUser() user: Principal, @Param('id') id: string): Promise<void> {
    await this.mindMaps.delete(user.userId, id);
  }
}
