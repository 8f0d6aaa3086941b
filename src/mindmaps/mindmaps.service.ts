import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { raise } from '../common/errors/raise';
import { TierPolicy } from '../billing/tier-policy.service';
import { UnitOfWork } from '../database/unit-of-work';

import { ObjectJanitor } from '../storage/object-janitor.service';
import { UsageLedger } from '../storage/ports/usage-ledger';
import { PruneScheduler } from './jobs/prune-scheduler.service';
import { DEFAULT_MAX_VERSIONS, Envelope, MindMap } from './domain/mind-map';
import { decodeCursor, encodeCursor } from './map-cursor';
import { MapNotFound, MaxVersionsOverPlan } from './mindmaps.errors';
import { MapVersionRepository } from './ports/map-version.repository';
import { MindMapRepository } from './ports/mind-map.repository';

export interface MapChanges {
  encryptedTitle?: Buffer;
  envelope?: Envelope;
  maxVersions?: number;
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
  ) {}

  async create(ownerId: string, input: { encryptedTitle: Buffer; envelope: Envelope; maxVersions?: number }): Promise<MindMap> {
    const maxVersions = input.maxVersions ?? DEFAULT_MAX_VERSIONS;
    await this.checkMaxVersions(ownerId, maxVersions);
    const now = new Date();
    const map: MindMap = {
      id: randomUUID(),
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
    await this.maps.insert(map);
    return map;
  }

  async list(ownerId: string, limit: number, cursor?: string): Promise<{ items: MindMap[]; nextCursor: string | null }> {
    const page = await this.maps.listOwned(ownerId, limit, cursor ? decodeCursor(cursor) : undefined);
    return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  async get(ownerId: string, id: string): Promise<MindMap> {
    return (await this.maps.findOwned(id, ownerId)) ?? raise(new MapNotFound());
  }

  async update(ownerId: string, id: string, changes: MapChanges): Promise<MindMap> {
    if (changes.maxVersions !== undefined) await this.checkMaxVersions(ownerId, changes.maxVersions);
    const updated = await this.uow.run(async () => {
      const map = (await this.maps.lockOwned(id, ownerId)) ?? raise(new MapNotFound());
      if (Object.keys(changes).length === 0) return map;
      return this.maps.update(map.id, changes);
    });
    if (updated.versionCount > updated.maxVersions) await this.pruner.schedule(updated.id);
    return updated;
  }

  /** Deletes rows and the usage they held in one transaction, then the stored objects. */
  async delete(ownerId: string, id: string): Promise<void> {
    const gone = await this.uow.run(async () => {
      const map = (await this.maps.lockOwned(id, ownerId)) ?? raise(new MapNotFound());
      const versions = await this.versions.listForMap(map.id);
      await this.maps.delete(map.id);
      await this.usage.subtract(ownerId, versions.reduce((sum, v) => sum + v.sizeBytes, 0));
      return versions;
    });
    for (const v of gone) {
      await this.janitor.discard(v.objectKey, 'map deleted', { userId: ownerId, mapId: id, versionId: v.id });
    }
  }

  /**
   * Key rotation: every owned map gets its new envelope, inside the caller's transaction (which
   * also swaps the keys); returns the ids of owned maps missing from `envelopes`, and of given ids
   * no owned map has, without changing anything when there are any.
   */
  async replaceAllEnvelopes(ownerId: string, envelopes: Map<string, Envelope>): Promise<{ missing: string[]; unknown: string[] }> {
    this.uow.assertActive('MindMapsService.replaceAllEnvelopes');
    const owned = await this.maps.lockAllOwnedIds(ownerId);
    const ownedSet = new Set(owned);
    const missing = owned.filter((id) => !envelopes.has(id));
    const unknown = [...envelopes.keys()].filter((id) => !ownedSet.has(id));
    if (missing.length > 0 || unknown.length > 0) return { missing, unknown };
    for (const id of owned) {
      const next = envelopes.get(id)!;
      const previous = await this.maps.swapEnvelope(id, next);
      await this.versions.replaceEnvelope(id, previous, next);
    }
    return { missing, unknown };
  }

  private async checkMaxVersions(ownerId: string, maxVersions: number): Promise<void> {
    const plan = await this.tiers.planFor(ownerId);
    if (maxVersions > plan.maxVersionsLimit) throw new MaxVersionsOverPlan(plan.maxVersionsLimit);
  }
}
