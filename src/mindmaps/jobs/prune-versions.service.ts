import { Injectable } from '@nestjs/common';
import { TierPolicy } from '../../billing/tier-policy.service';
import { AppConfig } from '../../config/app-config';
import { UnitOfWork } from '../../database/unit-of-work';
import { versionsCharge } from '../../storage/domain/charge';
import { ObjectJanitor } from '../../storage/object-janitor.service';
import { UsageLedger } from '../../storage/ports/usage-ledger';
import type { MapVersion } from '../domain/mind-map';
import { nextThinningAt, retentionTiers, versionsToDrop } from '../domain/retention-policy';
import { MapVersionRepository } from '../ports/map-version.repository';
import { MindMapRepository } from '../ports/mind-map.repository';

/** Versions deleted in one transaction: a long history is thinned in short transactions. */
export const THIN_BATCH = 500;

/**
 * Applies the retention policy (domain/retention-policy.ts) to a map: thinning by age, with the
 * map's maxVersions as the hard ceiling (what pruning alone did before). Idempotent: each batch's
 * rows and usage go in one transaction under the map's row lock (so thinning, saves, pins and
 * other thinning of one map serialise), then its objects; an object that can't be deleted is left
 * to the sweeper, never a row without its object.
 */
@Injectable()
export class PruneVersionsService {
  constructor(
    private readonly maps: MindMapRepository,
    private readonly versions: MapVersionRepository,
    private readonly usage: UsageLedger,
    private readonly janitor: ObjectJanitor,
    private readonly tiers: TierPolicy,
    private readonly uow: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  /** Prunes every overdue map, a batch at a time; returns how many versions it removed. */
  async pruneOverdue(batch = 100): Promise<number> {
    let removed = 0;
    for (;;) {
      const ids = await this.maps.listOverdueIds(batch);
      let progress = 0;
      for (const id of ids) progress += await this.prune(id);
      removed += progress;
      // A full batch that freed nothing means counters drifted (or pinned versions fill the
      // maps): the reconcile job owns the first, the owner the second.
      if (ids.length < batch || progress === 0) return removed;
    }
  }

  /**
   * Thins every map whose thinning is due (saved since, or a kept version changing tier); returns
   * how many versions it removed. Each run moves the map's due time past now, so this ends.
   */
  async thinDue(batch = 100): Promise<number> {
    let removed = 0;
    for (;;) {
      const ids = await this.maps.listThinDueIds(batch);
      for (const id of ids) removed += await this.prune(id);
      if (ids.length < batch) return removed;
    }
  }

  /** Maps waiting for a prune, and since when the longest-waiting one has; for the metrics. */
  overdueBacklog(): Promise<{ maps: number; oldestSince: Date | null }> {
    return this.maps.overdueBacklog();
  }

  /**
   * Applies the retention policy to one map; returns how many versions it removed. A batch's
   * objects are deleted while the next batch's transaction runs (its rows are already gone): at
   * most one batch of deletions in flight.
   */
  async prune(mapId: string, now: () => Date = () => new Date()): Promise<number> {
    let removed = 0;
    let deleting: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const batch = await this.thinBatch(mapId, now());
        await deleting;
        deleting = this.janitor.discardAll(
          batch.dropped.map((v) => ({ objectKey: v.objectKey, ids: { userId: v.ownerId, mapId, versionId: v.id } })),
          'version thinned',
        );
        removed += batch.dropped.length;
        if (!batch.more) return removed;
      }
    } finally {
      await deleting;
    }
  }

  /** One transaction: up to THIN_BATCH of the versions the policy drops, oldest first. */
  private thinBatch(mapId: string, now: Date): Promise<{ dropped: MapVersion[]; more: boolean }> {
    return this.uow.run(async () => {
      const map = await this.maps.lockById(mapId);
      if (!map) return { dropped: [], more: false };
      const plan = await this.tiers.planFor(map.ownerId);
      const tiers = retentionTiers(plan.recentVersionsMax);
      const all = await this.versions.listForRetention(map.id);
      const versions = all.map((v) => ({ id: v.id, savedAt: v.savedAt, pinned: v.pinned || v.held }));
      const drop = versionsToDrop({ versions, headVersionId: map.headVersionId, now, tiers, cap: map.maxVersions });
      // versionsToDrop lists newest first; the oldest go first.
      const batch = drop.slice(-THIN_BATCH);
      const dropped = await this.versions.deleteInMap(map.id, batch);
      if (dropped.length > 0) {
        await this.maps.removedVersions(map.id, dropped.length);
        await this.usage.subtract(map.ownerId, versionsCharge(dropped, this.config.charges));
      }
      const more = drop.length > batch.length && dropped.length > 0;
      if (!more) {
        const gone = new Set(drop);
        const kept = versions.filter((v) => !gone.has(v.id));
        const holdsEnd = all.flatMap((v) => (v.holdEndsAt ? [v.holdEndsAt] : []));
        await this.maps.setThinDue(map.id, nextThinningAt(kept, now, tiers, holdsEnd));
      }
      return { dropped, more };
    });
  }
}
