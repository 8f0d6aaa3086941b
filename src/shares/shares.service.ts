import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ValidationFailed } from '../common/errors/common.errors';
import { raise } from '../common/errors/raise';
import { decodeKeysetCursor, encodeKeysetCursor } from '../common/http/keyset-cursor';
import { UnitOfWork } from '../database/unit-of-work';
import { AccountEvents } from '../events/account-events.service';
import { TierPolicy } from '../billing/tier-policy.service';
import { KeyVersionGuard } from '../keys/key-version-guard.service';
import type { MapVersion } from '../mindmaps/domain/mind-map';
import type { Envelope } from '../common/domain/envelope';
import { MapContentService } from '../mindmaps/map-content.service';
import { MapNotFound, VersionNotFound } from '../mindmaps/mindmaps.errors';
import { MindMapsService } from '../mindmaps/mindmaps.service';
import type { Share, SharedContent } from './domain/share';
import { ShareRepository, ShareTargetGone } from './ports/share.repository';
import { hashShareToken, newShareToken, sameHash } from './share-token';
import { ShareLimitReached, ShareNotFound } from './shares.errors';

export interface NewShare {
  envelope: Envelope;
  /** The account key version whose keys opened the data key wrapped here; a stale one is refused. */
  keyVersion: number;
  expiresAt?: Date;
  versionId?: string;
}

/**
 * Link shares: the owner creates, lists and revokes them (another user's map is MAP_NOT_FOUND);
 * anyone holding a live token reads the shared version. Unknown, revoked and expired tokens,
 * and links whose map or pinned version is gone, all answer SHARE_NOT_FOUND.
 */
@Injectable()
export class SharesService {
  constructor(
    private readonly shares: ShareRepository,
    private readonly mindMaps: MindMapsService,
    private readonly content: MapContentService,
    private readonly keys: KeyVersionGuard,
    private readonly tiers: TierPolicy,
    private readonly uow: UnitOfWork,
    private readonly events: AccountEvents,
  ) {}

  /** Returns the share and its token; the token is never seen again. */
  async create(ownerId: string, mapId: string, input: NewShare): Promise<{ share: Share; token: string }> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new ValidationFailed([{ field: 'expiresAt', messages: ['expiresAt must be in the future'] }]);
    }
    const created = await this.uow.run(async () => {
      await this.keys.holdCurrent(ownerId, input.keyVersion);
      const map = await this.mindMaps.get(ownerId, mapId);
      if (input.versionId !== undefined) {
        await this.content.findVersion(ownerId, map.id, input.versionId);
      }
      // The account lock taken above serialises this user's creates, so the count cannot race.
      const plan = await this.tiers.planFor(ownerId);
      if ((await this.shares.countOwned(ownerId)) >= plan.maxShares) throw new ShareLimitReached(plan.tier, plan.maxShares);
      return this.insert(ownerId, map.id, input);
    });
    await this.events.publish(ownerId, { type: 'share.created', mapId: created.share.mapId, shareId: created.share.id });
    return created;
  }

  private async insert(ownerId: string, mapId: string, input: NewShare): Promise<{ share: Share; token: string }> {
    const token = newShareToken();
    const share: Share = {
      id: randomUUID(),
      mapId,
      ownerId,
      tokenHash: hashShareToken(token)!,
      envelope: input.envelope,
      versionId: input.versionId ?? null,
      expiresAt: input.expiresAt ?? null,
      createdAt: new Date(),
    };
    await this.shares.insert(share).catch(asTargetNotFound);
    return { share, token };
  }

  /** A page of the map's shares, newest first; `nextCursor` is null on the last page. */
  async list(ownerId: string, mapId: string, limit: number, cursor?: string): Promise<{ items: Share[]; nextCursor: string | null }> {
    const map = await this.mindMaps.get(ownerId, mapId);
    const page = await this.shares.listForMap(map.id, limit, cursor ? decodeKeysetCursor(cursor) : undefined);
    return { items: page.items, nextCursor: page.next ? encodeKeysetCursor(page.next) : null };
  }

  /** The token stops working at once: the row is gone. */
  async revoke(ownerId: string, mapId: string, shareId: string): Promise<void> {
    const map = await this.mindMaps.get(ownerId, mapId);
    if (!(await this.shares.delete(shareId, map.id))) throw new ShareNotFound();
    await this.events.publish(ownerId, { type: 'share.revoked', mapId: map.id, shareId });
  }

  async open(token: string): Promise<SharedContent> {
    const share = await this.findLive(token);
    const map = await this.mindMaps.get(share.ownerId, share.mapId).catch(asShareNotFound);
    if (share.versionId === null) {
      return { encryptedTitle: map.encryptedTitle, envelope: share.envelope, versionId: map.headVersionId, sizeBytes: map.sizeBytes };
    }
    const version = await this.content.findVersion(share.ownerId, share.mapId, share.versionId).catch(asShareNotFound);
    return { encryptedTitle: map.encryptedTitle, envelope: share.envelope, versionId: version.id, sizeBytes: version.sizeBytes };
  }

  /** The shared version's bytes; NO_CONTENT_YET for a head link to a map never saved. */
  async openBlob(token: string): Promise<{ version: MapVersion; body: Readable }> {
    const share = await this.findLive(token);
    return this.content.download(share.ownerId, share.mapId, share.versionId ?? undefined).catch(asShareNotFound);
  }

  private async findLive(token: string): Promise<Share> {
    const hash = hashShareToken(token) ?? raise(new ShareNotFound());
    const share = await this.shares.findLive(hash, new Date());
    // NOTE: looked up by the token's hash, so the index's timing reveals nothing usable about the
    // token; the constant-time comparison costs nothing and keeps that true if the lookup changes.
    if (!share || !sameHash(share.tokenHash, hash)) throw new ShareNotFound();
    return share;
  }
}

/** The map or pinned version went away after the link was made: the link is dead, not the map missing. */
function asShareNotFound(error: unknown): never {
  if (error instanceof MapNotFound || error instanceof VersionNotFound) throw new ShareNotFound();
  throw error;
}

/** The map or the pinned version went away between create's checks and the insert: the answer those checks give. */
function asTargetNotFound(error: unknown): never {
  if (error instanceof ShareTargetGone) throw error.target === 'version' ? new VersionNotFound() : new MapNotFound();
  throw error;
}
