import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { raise } from '../common/errors/raise';
import { decodeKeysetCursor, encodeKeysetCursor } from '../common/http/keyset-cursor';
import { TierPolicy } from '../billing/tier-policy.service';
import { AppConfig, TierPlan } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { AccountEvents } from '../events/account-events.service';
import type { MapField } from '../events/domain/account-event';
import { KeyVersionGuard } from '../keys/key-version-guard.service';
import { ObjectJanitor } from '../storage/object-janitor.service';
import { versionsCharge } from '../storage/domain/charge';
import { UsageLedger } from '../storage/ports/usage-ledger';
import { PruneScheduler } from './jobs/prune-scheduler.service';
import { DEFAULT_MAX_VERSIONS, MindMap, RewrappedMap } from './domain/mind-map';
import type { Envelope } from '../common/domain/envelope';
import { MapLimitReached, MapNotFound, MaxVersionsBelowPinned, MaxVersionsOverPlan, StorageQuotaExceeded } from './mindmaps.errors';
import { MapVersionRepository } from './ports/map-version.repository';
import { MindMapRepository } from './ports/mind-map.repository';

export interface MapChanges {
  encryptedTitle?: Buffer;
  envelope?: Envelope;
  maxVersions?: number;
  /** The key version the envelope was made for: required with `envelope`, checked when present. */
  keyVersion?: number;
}

/** What a rotation left out; nothing was written when any list is non-empty. */
export interface RewrapGaps {
  /** Owned maps the rotation did not name. */
  missing: string[];
  /** Named maps the caller does not own. */
  unknown: string[];
  /** Distinct version envelopes neither equal to their map's envelope nor named. */
  missingVersions: { mapId: string; wrappedDek: Buffer }[];
}

/** Map metadata: create, read, change, delete, and the envelope swap a key rotation needs. */
@Injectable()
export class MindMapsService {
  constructor(
    private readonly maps: MindMapRepository,
    private readonly versions: MapVersionRepository,
    private readonly usage: UsageLedger,
    private readonly tiers: TierPolicy,
    private readonly janitor: ObjectJanitor,
    private readonly uow: UnitOfWork,
    private readonly pruner: PruneScheduler,
    private readonly keys: KeyVersionGuard,
    private readonly config: AppConfig,
    private readonly events: AccountEvents,
  ) {}

  /** `keyVersion`: the account key version the envelope was made for; a stale one is refused. `id`: the client's, or a fresh one. */
  async create(
    ownerId: string,
    input: { id?: string; encryptedTitle: Buffer; envelope: Envelope; keyVersion: number; maxVersions?: number },
  ): Promise<MindMap> {
    const maxVersions = input.maxVersions ?? DEFAULT_MAX_VERSIONS;
    await this.checkMaxVersions(ownerId, maxVersions);
    const now = new Date();
    const map: MindMap = {
      // A client may choose the id, so that the envelope and title it sends are already bound to it.
      id: input.id ?? randomUUID(),
      ownerId,
      encryptedTitle: input.encryptedTitle,
      envelope: input.envelope,
      maxVersions,
      headVersionId: null,
      sizeBytes: 0,
      versionCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.uow.run(async () => {
      await this.keys.holdCurrent(ownerId, input.keyVersion);
      // The account lock just taken serialises this user's creates, so the count cannot race.
      const plan = await this.tiers.planFor(ownerId);
      if ((await this.maps.countOwned(ownerId)) >= plan.maxMaps) throw new MapLimitReached(plan.tier, plan.maxMaps);
      await this.chargeMap(ownerId, plan);
      await this.maps.insert(map);
    });
    await this.events.publish(ownerId, { type: 'map.created', mapId: map.id });
    return map;
  }

  /** Charges a new map's `mapBytes`, refused like an upload past the limit. Inside create's transaction. */
  private async chargeMap(ownerId: string, plan: TierPlan): Promise<void> {
    const { mapBytes } = this.config.charges;
    // Nothing to charge must not be refused: a downgrade may leave usage over the limit.
    if (mapBytes === 0) return;
    const charged = await this.usage.tryAdd(ownerId, mapBytes, plan.storageLimitBytes);
    if (!charged.ok) {
      throw new StorageQuotaExceeded(plan.tier, charged.usageBytes + mapBytes, plan.storageLimitBytes, 'a new map would exceed your storage limit');
    }
  }

  async list(ownerId: string, limit: number, cursor?: string): Promise<{ items: MindMap[]; nextCursor: string | null }> {
    const page = await this.maps.listOwned(ownerId, limit, cursor ? decodeKeysetCursor(cursor) : undefined);
    return { items: page.items, nextCursor: page.next ? encodeKeysetCursor(page.next) : null };
  }

  async get(ownerId: string, id: string): Promise<MindMap> {
    return (await this.maps.findOwned(id, ownerId)) ?? raise(new MapNotFound());
  }

  async update(ownerId: string, id: string, changes: MapChanges): Promise<MindMap> {
    if (changes.maxVersions !== undefined) await this.checkMaxVersions(ownerId, changes.maxVersions);
    const { keyVersion, ...patch } = changes;
    const updated = await this.uow.run(async () => {
      // The account lock before the map's: the order a rotation takes them in.
      if (keyVersion !== undefined) await this.keys.holdCurrent(ownerId, keyVersion);
      const map = (await this.maps.lockOwned(id, ownerId)) ?? raise(new MapNotFound());
      if (Object.keys(patch).length === 0) return map;
      if (patch.maxVersions !== undefined) {
        const pinned = await this.versions.countPinned(map.id);
        if (patch.maxVersions <= pinned) throw new MaxVersionsBelowPinned(pinned);
      }
      return this.maps.update(map.id, patch);
    });
    const changed = changedFields(patch);
    if (changed.length > 0) await this.events.publish(ownerId, { type: 'map.updated', mapId: updated.id, changed });
    if (updated.versionCount > updated.maxVersions) await this.pruner.schedule(updated.id);
    return updated;
  }

  /** Deletes rows and the usage they held in one transaction, then the stored objects. */
  async delete(ownerId: string, id: string): Promise<void> {
    const gone = await this.uow.run(async () => {
      const map = (await this.maps.lockOwned(id, ownerId)) ?? raise(new MapNotFound());
      const versions = await this.versions.listForMap(map.id);
      await this.maps.delete(map.id);
      await this.usage.subtract(ownerId, versionsCharge(versions, this.config.charges) + this.config.charges.mapBytes);
      return versions;
    });
    await this.events.publish(ownerId, { type: 'map.deleted', mapId: id });
    for (const v of gone) {
      await this.janitor.discard(v.objectKey, 'map deleted', { userId: ownerId, mapId: id, versionId: v.id });
    }
  }

  /**
   * Account deletion's share of the work: every map of the owner, its versions and share links,
   * deleted under the maps' row locks (an upload racing this waits, then finds its map gone and
   * removes what it stored). The stored objects are not touched here: the caller discards the
   * returned keys once its transaction committed, so a rollback never leaves rows without bytes.
   * In the caller's transaction only. The usage counter goes with the user's row.
   */
  async deleteAllOwned(ownerId: string): Promise<{ maps: number; objectKeys: string[] }> {
    this.uow.assertActive('MindMapsService.deleteAllOwned');
    await this.maps.lockAllOwned(ownerId);
    const objectKeys = await this.versions.objectKeysOfOwner(ownerId);
    const maps = await this.maps.deleteAllOwned(ownerId);
    return { maps, objectKeys };
  }

  /** Deletes stored objects whose rows are gone; a failure is ledgered for the sweeper. */
  async discardObjects(ownerId: string, objectKeys: string[], reason: string): Promise<void> {
    for (const key of objectKeys) await this.janitor.discard(key, reason, { userId: ownerId });
  }

  /**
   * Key rotation's share of the work: every owned map's envelope, and every distinct envelope of
   * its versions, replaced. Call inside the caller's transaction, holding the account's key lock.
   * Writes nothing and reports the gaps when the rotation does not cover everything; a named
   * version envelope that no version holds any more (pruned meanwhile) is ignored.
   */
  async rewrapAll(ownerId: string, rotated: RewrappedMap[]): Promise<RewrapGaps> {
    this.uow.assertActive('MindMapsService.rewrapAll');
    const owned = await this.maps.lockAllOwned(ownerId);
    const current = new Map(owned.map((m) => [m.id, m.wrappedDek]));
    const named = new Map(rotated.map((m) => [m.id, m]));
    const gaps: RewrapGaps = {
      missing: owned.filter((m) => !named.has(m.id)).map((m) => m.id),
      unknown: rotated.filter((m) => !current.has(m.id)).map((m) => m.id),
      missingVersions: [],
    };
    if (gaps.missing.length > 0 || gaps.unknown.length > 0) return gaps;

    const byPrevious = new Map<string, Envelope>();
    for (const m of rotated) for (const v of m.versionEnvelopes) byPrevious.set(versionKey(m.id, v.previousWrappedDek), v.envelope);
    // Versions cannot change under us: every writer of versions first locks the map row held here.
    const versionUpdates: { mapId: string; previousWrappedDek: Buffer; envelope: Envelope }[] = [];
    for (const { mapId, wrappedDek } of await this.versions.distinctWrappedDeks(ownerId)) {
      const next = wrappedDek.equals(current.get(mapId)!) ? named.get(mapId)!.envelope : byPrevious.get(versionKey(mapId, wrappedDek));
      if (next === undefined) gaps.missingVersions.push({ mapId, wrappedDek });
      else versionUpdates.push({ mapId, previousWrappedDek: wrappedDek, envelope: next });
    }
    if (gaps.missingVersions.length > 0) return gaps;

    await this.maps.replaceEnvelopes(rotated.map((m) => ({ id: m.id, envelope: m.envelope })));
    await this.versions.replaceEnvelopes(versionUpdates);
    return gaps;
  }

  private async checkMaxVersions(ownerId: string, maxVersions: number): Promise<void> {
    const plan = await this.tiers.planFor(ownerId);
    if (maxVersions > plan.maxVersionsLimit) throw new MaxVersionsOverPlan(plan.maxVersionsLimit);
  }
}

function versionKey(mapId: string, wrappedDek: Buffer): string {
  return `${mapId}:${wrappedDek.toString('base64')}`;
}

/** What an update changed, as the event stream names it (never the values). */
function changedFields(patch: Omit<MapChanges, 'keyVersion'>): MapField[] {
  const fields: MapField[] = [];
  if (patch.encryptedTitle !== undefined) fields.push('title');
  if (patch.envelope !== undefined) fields.push('envelope');
  if (patch.maxVersions !== undefined) fields.push('maxVersions');
  return fields;
}
