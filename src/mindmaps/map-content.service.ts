import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { TierPolicy } from '../billing/tier-policy.service';
import { AppError } from '../common/errors/app-error';
import { raise } from '../common/errors/raise';
import { AppConfig, TierPlan } from '../config/app-config';
import { AccountEvents } from '../events/account-events.service';
import { UnitOfWork } from '../database/unit-of-work';
import { blobKey } from '../storage/blob-key';
import { ObjectJanitor } from '../storage/object-janitor.service';
import { BlobStore } from '../storage/ports/blob-store';
import { versionCharge } from '../storage/domain/charge';
import { UsageLedger } from '../storage/ports/usage-ledger';
import { PruneScheduler } from './jobs/prune-scheduler.service';
import { decodeVersionCursor, encodeVersionCursor } from './version-cursor';
import { MapVersion, MindMap } from './domain/mind-map';
import {
  BlobRequired,
  BlobTooLarge,
  EnvelopeChanged,
  LengthRequired,
  MapNotFound,
  NoContentYet,
  PinLimitReached,
  StorageQuotaExceeded,
  TooManyUploads,
  UploadAborted,
  UploadTooSlow,
  VersionConflict,
  VersionNotFound,
} from './mindmaps.errors';
import { MapVersionRepository } from './ports/map-version.repository';
import { MindMapRepository } from './ports/mind-map.repository';
import { UploadMeter } from './ports/upload-meter';
import { RecordOutcome, VersionRecorder } from './ports/version-recorder';

/**
 * The largest head `GET /api/mindmaps/:id?include=content` carries inline (bytes; base64 makes the
 * answer a third larger). Above it the client downloads the blob, which streams: a map this large
 * costs more to decrypt and render than its second request.
 */
export const INLINE_CONTENT_MAX_BYTES = 256 * 1024;

export interface UploadRequest {
  body: Readable;
  /** The Content-Length header, undefined when the client sent none (chunked). */
  contentLength: number | undefined;
  /** The If-Match version id: undefined when absent. */
  ifMatch?: string;
  /** If-Envelope-Match: the wrappedDek of the envelope the body was encrypted for; undefined when absent. */
  envelopeWrappedDek?: Buffer;
}

/**
 * A map's content: each save first reserves its declared length against the quota (so bytes in
 * flight count), streams to a fresh immutable object, then one transaction moves the head, turns
 * the reservation into stored usage and records the version; if that fails the object is removed
 * again, and the reservation is released on every way out but a commit.
 */
@Injectable()
export class MapContentService {
  private readonly logger = new Logger('MapContentService');

  constructor(
    private readonly maps: MindMapRepository,
    private readonly versions: MapVersionRepository,
    private readonly usage: UsageLedger,
    private readonly tiers: TierPolicy,
    private readonly blobs: BlobStore,
    private readonly janitor: ObjectJanitor,
    private readonly pruner: PruneScheduler,
    private readonly uow: UnitOfWork,
    private readonly config: AppConfig,
    private readonly meter: UploadMeter,
    private readonly events: AccountEvents,
    private readonly recorder: VersionRecorder,
  ) {}

  /** The contract's rule 1, checked before the map is even looked up. */
  checkLength(contentLength: number | undefined): number {
    if (contentLength === undefined) throw new LengthRequired();
    if (contentLength === 0) throw new BlobRequired();
    if (contentLength > this.config.uploads.maxBlobBytes) throw new BlobTooLarge(this.config.uploads.maxBlobBytes);
    return contentLength;
  }

  async upload(ownerId: string, mapId: string, request: UploadRequest): Promise<MapVersion> {
    const size = this.checkLength(request.contentLength);
    const map = (await this.maps.findOwned(mapId, ownerId)) ?? raise(new MapNotFound());
    if (request.ifMatch !== undefined && request.ifMatch !== map.headVersionId) {
      throw new VersionConflict(map.headVersionId);
    }
    // Checked here to spare storing the bytes, and again under the map's row lock in save().
    if (request.envelopeWrappedDek !== undefined && !request.envelopeWrappedDek.equals(map.envelope.wrappedDek)) {
      throw new EnvelopeChanged();
    }
    return this.save(map, request.body, size, { ifMatch: request.ifMatch, envelopeWrappedDek: request.envelopeWrappedDek });
  }

  /** A new version whose bytes and envelope equal an old one's. */
  async restore(ownerId: string, mapId: string, versionId: string): Promise<MapVersion> {
    const map = (await this.maps.findOwned(mapId, ownerId)) ?? raise(new MapNotFound());
    const old = (await this.versions.findInMap(versionId, map.id)) ?? raise(new VersionNotFound());
    return this.save(map, await this.blobs.get(old.objectKey), old.sizeBytes, { restoreOf: old.id });
  }

  async download(ownerId: string, mapId: string, versionId?: string): Promise<{ version: MapVersion; body: Readable }> {
    const map = (await this.maps.findOwned(mapId, ownerId)) ?? raise(new MapNotFound());
    const id = versionId ?? map.headVersionId ?? raise(new NoContentYet());
    const version = (await this.versions.findInMap(id, map.id)) ?? raise(new VersionNotFound());
    return { version, body: await this.blobs.get(version.objectKey) };
  }

  /**
   * The map and, when its head is at most INLINE_CONTENT_MAX_BYTES, the head's row and bytes: what
   * a client needs to show the map, in one request. One statement reads the map and its head
   * together, then one blob-store read; a larger head (or none yet) comes back as `content: null`.
   */
  async open(ownerId: string, mapId: string): Promise<{ map: MindMap; content: { version: MapVersion; bytes: Buffer } | null }> {
    const found = (await this.maps.findOwnedWithHead(mapId, ownerId)) ?? raise(new MapNotFound());
    const head = found.head;
    if (head === null || head.sizeBytes > INLINE_CONTENT_MAX_BYTES) return { map: found.map, content: null };
    const body = await this.blobs.get(head.objectKey);
    return { map: found.map, content: { version: head, bytes: Buffer.concat(await body.toArray()) } };
  }

  /** Newest first, a page at a time: `cursor` is the nextCursor of the page before. */
  async listVersions(ownerId: string, mapId: string, limit: number, cursor?: string): Promise<{ items: MapVersion[]; nextCursor: string | null }> {
    const after = cursor === undefined ? undefined : decodeVersionCursor(cursor);
    const map = (await this.maps.findOwned(mapId, ownerId)) ?? raise(new MapNotFound());
    const page = await this.versions.listPage(map.id, limit, after);
    return { items: page.items, nextCursor: page.next === null ? null : encodeVersionCursor(page.next) };
  }

  /**
   * Names and/or pins a version (docs/api.md, Version history). Under the map's row lock, which
   * thinning takes too: a version being pinned is never dropped by a thinning run at the same time.
   */
  async markVersion(ownerId: string, mapId: string, versionId: string, marks: { pinned?: boolean; encryptedLabel?: Buffer | null }): Promise<MapVersion> {
    const plan = await this.tiers.planFor(ownerId);
    return this.uow.run(async () => {
      const map = (await this.maps.lockOwned(mapId, ownerId)) ?? raise(new MapNotFound());
      const current = (await this.versions.findInMap(versionId, map.id)) ?? raise(new VersionNotFound());
      if (marks.pinned === true && !current.pinned) {
        // One place stays free for the head under the map's cap.
        const limit = Math.max(0, Math.min(plan.maxPinnedVersions, map.maxVersions - 1));
        if ((await this.versions.countPinned(map.id)) >= limit) throw new PinLimitReached(limit);
      }
      const marked = (await this.versions.mark(current.id, map.id, marks)) ?? raise(new VersionNotFound());
      // An unpinned version may be due to go: let the next thinning run look.
      if (marks.pinned === false && current.pinned) await this.maps.setThinDue(map.id, new Date());
      return marked;
    });
  }

  /** One saved version of an owned map: MapNotFound, VersionNotFound. */
  async findVersion(ownerId: string, mapId: string, versionId: string): Promise<MapVersion> {
    const map = (await this.maps.findOwned(mapId, ownerId)) ?? raise(new MapNotFound());
    return (await this.versions.findInMap(versionId, map.id)) ?? raise(new VersionNotFound());
  }

  /**
   * `ifMatch`: save only over that head. `restoreOf`: the new version takes that version's envelope
   * (its bytes are the old ones), else the map's envelope.
   */
  private async save(
    map: MindMap,
    body: Readable,
    size: number,
    options: { ifMatch?: string; restoreOf?: string; envelopeWrappedDek?: Buffer },
  ): Promise<MapVersion> {
    const { maxConcurrentPerUser, reservationTtlS } = this.config.uploads;
    // Quota is charged for the version, not the body: the stored size is `size`, the cost `charge`.
    const charge = versionCharge(size, this.config.charges);
    // The plan is decided in the reservation's own statement (no round trip to read it first).
    const reservation = await this.usage.reserveUnderPlan(map.ownerId, charge, {
      ...this.tiers.storageRule(),
      maxInFlight: maxConcurrentPerUser,
      ttlS: reservationTtlS,
    });
    const plan = this.tiers.plan(reservation.tier);
    if (!reservation.ok) {
      if (reservation.reason === 'uploads') throw new TooManyUploads(maxConcurrentPerUser);
      const projected = reservation.usageBytes + reservation.reservedBytes + charge;
      this.meter.quotaRefused(plan.tier);
      throw new StorageQuotaExceeded(plan.tier, projected, plan.storageLimitBytes);
    }
    let settled = false;
    try {
      const versionId = randomUUID();
      const objectKey = blobKey(map.ownerId, map.id, versionId);
      await this.store(objectKey, body, size, reservationTtlS);
      const savedAt = new Date();
      let recorded: RecordOutcome;
      try {
        // One statement, all or nothing: the head move (If-Match and If-Envelope-Match under the
        // map's row lock), the reservation settled into stored usage, and the version row with the
        // envelope in force under that lock (a key rotation re-points every version of the map under
        // the same lock, so the envelope recorded is the one the rotation leaves in force).
        recorded = await this.recorder.record({
          versionId,
          mapId: map.id,
          ownerId: map.ownerId,
          objectKey,
          sizeBytes: size,
          savedAt,
          ...(options.ifMatch !== undefined ? { expectedHead: options.ifMatch } : {}),
          ...(options.envelopeWrappedDek !== undefined ? { envelopeWrappedDek: options.envelopeWrappedDek } : {}),
          ...(options.restoreOf !== undefined ? { restoreOf: options.restoreOf } : {}),
          reservationId: reservation.id,
          charge,
          limitBytes: plan.storageLimitBytes,
        });
        if (recorded.outcome !== 'recorded') throw this.refusal(recorded, plan, charge);
        settled = true;
      } catch (error) {
        await this.janitor.discard(objectKey, 'version not recorded', { userId: map.ownerId, mapId: map.id, versionId });
        throw error;
      }
      const version: MapVersion = {
        id: versionId,
        mapId: map.id,
        ownerId: map.ownerId,
        objectKey,
        sizeBytes: size,
        envelope: recorded.envelope,
        savedAt,
        pinned: false,
        encryptedLabel: null,
      };
      this.meter.saved(options.restoreOf ? 'restore' : 'upload', size);
      await this.events.publish(map.ownerId, { type: 'map.saved', mapId: map.id, versionId: version.id });
      // NOTE: only a map past its maxVersions needs the worker: queueing a prune on every save cost
      // about a quarter of an upload's CPU in the API (and a prune missed here is the overdue sweep's).
      if (recorded.overLimit) await this.pruner.schedule(map.id);
      return version;
    } finally {
      if (!settled) {
        // A release that fails only leaves the bytes held until the reservation expires.
        await this.usage.release(reservation.id).catch((error: unknown) => {
          this.logger.warn(`reservation ${reservation.id} not released (it expires by itself): ${describe(error)}`);
        });
      }
    }
  }

  /** The answer to a save that recorded nothing (and wrote nothing). */
  private refusal(recorded: Exclude<RecordOutcome, { outcome: 'recorded' }>, plan: TierPlan, charge: number): AppError {
    switch (recorded.outcome) {
      case 'missing':
        return new MapNotFound();
      case 'conflict':
        return new VersionConflict(recorded.head);
      case 'envelope-changed':
        return new EnvelopeChanged();
      case 'quota':
        this.meter.quotaRefused(plan.tier);
        return new StorageQuotaExceeded(plan.tier, recorded.usageBytes + charge, plan.storageLimitBytes);
      case 'version-missing':
        return new VersionNotFound();
    }
  }

  /** Streams the body to `objectKey`, cutting it when the reservation's time is up. */
  private async store(objectKey: string, body: Readable, size: number, ttlS: number): Promise<void> {
    const deadline = setTimeout(() => body.destroy(new UploadTooSlow(ttlS)), ttlS * 1000);
    try {
      await this.blobs.put(objectKey, body, size);
    } catch (error) {
      // A client that hangs up mid-body is not a server fault: nothing was stored, say so quietly.
      throw !(error instanceof AppError) && body.destroyed ? new UploadAborted() : error;
    } finally {
      clearTimeout(deadline);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
