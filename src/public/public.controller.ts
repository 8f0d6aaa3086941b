import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/auth.decorators';
import { ErrorBody } from '../common/errors/error-body';
import { ApiBinaryOk } from '../common/http/api-binary.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { RateLimit } from '../common/http/rate-limit';
import { BLOB_CONTENT_TYPE } from '../common/domain/blob-content-type';
import { TierPolicy } from '../billing/tier-policy.service';
import { toEnvelopeDto } from '../common/http/envelope.dto';
import { retentionTiers } from '../mindmaps/domain/retention-policy';
import { SharesService } from '../shares/shares.service';
import { PlanListDto, SharedMapDto, ShareTokenParams } from './dto/public.dto';

/** Routes without an account: the plans on offer, and what a share link opens. Rate-limited per IP. */
@ApiTags('public')
@Public()
@RateLimit('public')
@ApiResponse({ status: 429, type: ErrorBody, description: 'RATE_LIMITED, with Retry-After' })
@Controller('api/public')
export class PublicController {
  constructor(
    private readonly tiers: TierPolicy,
    private readonly shares: SharesService,
  ) {}

  @Get('plans')
  @ApiOkResponse({ type: PlanListDto, description: 'the same tier configuration the storage quota enforces' })
  plans(): PlanListDto {
    return {
      items: this.tiers.plans().map((p) => ({
        tier: p.tier,
        storageLimitBytes: p.storageLimitBytes,
        maxVersionsLimit: p.maxVersionsLimit,
        maxMaps: p.maxMaps,
        maxShares: p.maxShares,
        priceMonthlyCents: p.priceMonthlyCents,
        retention: { tiers: retentionTiers(p.recentVersionsMax), maxPinnedVersions: p.maxPinnedVersions },
      })),
    };
  }

  @Get('shares/:token')
  @ApiOkResponse({ type: SharedMapDto })
  @ApiErrors([404, 'SHARE_NOT_FOUND (unknown, revoked or expired)'])
  async share(@Param() params: ShareTokenParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<SharedMapDto> {
    const shared = await this.shares.open(params.token);
    void reply.header('cache-control', 'no-store');
    return {
      encryptedTitle: shared.encryptedTitle.toString('base64'),
      envelope: toEnvelopeDto(shared.envelope),
      versionId: shared.versionId,
      sizeBytes: shared.sizeBytes,
    };
  }

  @Get('shares/:token/blob')
  @ApiBinaryOk('the ciphertext; ETag: "<versionId>"')
  @ApiErrors([404, 'SHARE_NOT_FOUND', 'NO_CONTENT_YET'], [503, 'BLOB_STORE_UNAVAILABLE'])
  async blob(@Param() params: ShareTokenParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const { version, body } = await this.shares.openBlob(params.token);
    // NOTE: no-store: a revoked link must stop working for caches too, not only for this server.
    void reply.header('etag', `"${version.id}"`).header('cache-control', 'no-store');
    return new StreamableFile(body, { type: BLOB_CONTENT_TYPE, length: version.sizeBytes });
  }
}
