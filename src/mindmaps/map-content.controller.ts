import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticated, CurrentUser, Principal } from '../common/auth/auth.decorators';
import { BLOB_CONTENT_TYPE } from '../common/domain/blob-content-type';
import { UnsupportedMediaType, ValidationFailed } from '../common/errors/common.errors';
import { ApiBinaryOk } from '../common/http/api-binary.decorator';
import { AcceptsBlobBody } from '../common/http/blob-body';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { Direct, principalOf } from '../common/http/direct-route';
import { decodeBase64 } from '../common/http/base64';
import { WRAPPED_DEK_MAX, WRAPPED_DEK_MIN } from '../common/http/envelope.dto';
import { UuidParams } from '../common/http/uuid-params';
import { toSavedVersionDto, toSnapshotDto } from './dto/mind-map-dto.mapper';
import { DownloadQueryDto, ListVersionsQueryDto, UpdateVersionDto, VERSION_PAGE_MAX } from './dto/mind-map-requests.dto';
import { SavedVersionDto, VersionListDto, VersionSnapshotDto } from './dto/mind-map-responses.dto';
import { MapContentService } from './map-content.service';

@ApiTags('mind maps')
@Authenticated()
@ApiErrors([400, 'VALIDATION_FAILED'], [404, 'MAP_NOT_FOUND'])
@Controller('api/mindmaps/:id')
export class MapContentController {
  constructor(private readonly content: MapContentService) {}

  @Put('blob')
  @UuidParams('id')
  @HttpCode(201)
  @AcceptsBlobBody()
  @ApiConsumes(BLOB_CONTENT_TYPE)
  @ApiBody({ schema: { type: 'string', format: 'binary' }, description: 'the ciphertext, streamed' })
  @ApiHeader({ name: 'If-Match', required: false, description: '"<versionId>": save only if that is still the head' })
  @ApiHeader({
    name: 'If-Envelope-Match',
    required: false,
    description: "base64 wrappedDek of the envelope the body was encrypted for: save only if it is still the map's (else 412 ENVELOPE_CHANGED)",
  })
  @ApiCreatedResponse({ type: SavedVersionDto })
  @ApiErrors(
    [400, 'BLOB_REQUIRED', 'BLOB_LENGTH_MISMATCH'],
    [408, 'BODY_TOO_SLOW (the body came slower than HTTP_MIN_BODY_BYTES_PER_S; nothing is stored or charged)'],
    [411, 'LENGTH_REQUIRED'],
    [412, 'VERSION_CONFLICT', 'ENVELOPE_CHANGED'],
    [408, 'UPLOAD_TOO_SLOW (the connection is cut when the upload outlives UPLOAD_RESERVATION_TTL_S)'],
    [413, 'BLOB_TOO_LARGE', 'STORAGE_QUOTA_EXCEEDED (with tier, projectedBytes, limitBytes; bytes of uploads in flight count)'],
    [415, 'UNSUPPORTED_MEDIA_TYPE'],
    [429, 'TOO_MANY_UPLOADS (with maxConcurrent)'],
    [503, 'BLOB_STORE_UNAVAILABLE'],
  )
  @Direct((request) => [principalOf(request), (request.params as { id: string }).id, request])
  async upload(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<SavedVersionDto> {
    // NOTE: read from the request, not @Headers('if-match'): that decorator made Swagger document a
    // second, required if-match header beside the optional one declared by @ApiHeader above.
    const ifMatch = request.headers['if-match'];
    const contentLength = parseContentLength(request.headers['content-length']);
    this.content.checkLength(contentLength);
    if (!request.headers['content-type']?.toLowerCase().startsWith(BLOB_CONTENT_TYPE)) {
      throw new UnsupportedMediaType(`uploads must be ${BLOB_CONTENT_TYPE}`);
    }
    const envelopeMatch = request.headers['if-envelope-match'];
    const version = await this.content.upload(user.userId, id, {
      body: request.raw,
      contentLength,
      ifMatch: ifMatch === undefined ? undefined : parseEtag(ifMatch),
      ...(envelopeMatch === undefined ? {} : { envelopeWrappedDek: parseWrappedDek(envelopeMatch) }),
    });
    return toSavedVersionDto(version);
  }

  @Get('blob')
  @UuidParams('id')
  @ApiBinaryOk('the exact bytes; ETag: "<versionId>"')
  @ApiErrors([404, 'NO_CONTENT_YET', 'VERSION_NOT_FOUND'], [503, 'BLOB_STORE_UNAVAILABLE'])
  async download(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Query() query: DownloadQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { version, body } = await this.content.download(user.userId, id, query.versionId);
    void reply.header('etag', `"${version.id}"`).header('cache-control', 'private, no-store');
    return new StreamableFile(body, { type: BLOB_CONTENT_TYPE, length: version.sizeBytes });
  }

  @Get('versions')
  @UuidParams('id')
  @ApiOkResponse({ type: VersionListDto, description: 'newest first; without `limit`, every version (up to 1000, the largest maxVersions)' })
  async versions(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Query() query: ListVersionsQueryDto,
  ): Promise<VersionListDto> {
    const page = await this.content.listVersions(user.userId, id, query.limit ?? VERSION_PAGE_MAX, query.cursor);
    return { items: page.items.map(toSnapshotDto), nextCursor: page.nextCursor };
  }

  @Patch('versions/:versionId')
  @UuidParams('id', 'versionId')
  @ApiOkResponse({ type: VersionSnapshotDto, description: 'the version, named and/or pinned; fields left out stay as they are' })
  @ApiErrors([404, 'VERSION_NOT_FOUND'], [409, 'PIN_LIMIT_REACHED (with limit)'])
  async markVersion(
    @CurrentUser() user: Principal,
    @Param('id') id: string,
    @Param('versionId') versionId: string,
    @Body() body: UpdateVersionDto,
  ): Promise<VersionSnapshotDto> {
    const version = await this.content.markVersion(user.userId, id, versionId, {
      ...(body.pinned !== undefined ? { pinned: body.pinned } : {}),
      ...(body.encryptedLabel !== undefined ? { encryptedLabel: body.encryptedLabel === null ? null : Buffer.from(body.encryptedLabel, 'base64') } : {}),
    });
    return toSnapshotDto(version);
  }

  @Post('versions/:versionId/restore')
  @UuidParams('id', 'versionId')
  @ApiCreatedResponse({ type: SavedVersionDto, description: 'a new head whose bytes and envelope equal the old version' })
  @ApiErrors([404, 'VERSION_NOT_FOUND'], [413, 'STORAGE_QUOTA_EXCEEDED'], [429, 'TOO_MANY_UPLOADS'], [503, 'BLOB_STORE_UNAVAILABLE'])
  async restore(@CurrentUser() user: Principal, @Param('id') id: string, @Param('versionId') versionId: string): Promise<SavedVersionDto> {
    return toSavedVersionDto(await this.content.restore(user.userId, id, versionId));
  }
}

function parseContentLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,15}$/.test(header)) return undefined;
  return Number(header);
}

function parseWrappedDek(header: string | string[]): Buffer {
  const bytes = typeof header === 'string' ? decodeBase64(header.trim()) : undefined;
  if (bytes === undefined || bytes.length < WRAPPED_DEK_MIN || bytes.length > WRAPPED_DEK_MAX) {
    throw new ValidationFailed([
      { field: 'If-Envelope-Match', messages: [`If-Envelope-Match must be standard base64 of ${WRAPPED_DEK_MIN}..${WRAPPED_DEK_MAX} bytes`] },
    ]);
  }
  return bytes;
}

/** `"<id>"` or a bare id; a weak tag can never match an immutable version. */
function parseEtag(header: string): string {
  const match = /^\s*"([^"]*)"\s*$/.exec(header);
  return match ? match[1] : header.trim();
}
