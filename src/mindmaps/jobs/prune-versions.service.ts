import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { UnitOfWork } from '../../database/unit-of-work';
import { versionsCharge } from '../../storage/domain/charge';
import { ObjectJanitor } from '../../storage/object-janitor.service';
import { UsageLedger } from '../../storage/ports/usage-ledger';
import { MapVersionRepository } from '../ports/map-version.repository';
import { MindMapRepository } from '../ports/mind-map.repository';

/**
 * Removes a map's versions beyond its maxVersions. Idempotent: rows and usage go in one
 * transaction (under the map's row lock, so concurrent prunes of one map serialise), then the
 * objects; an object that can't be deleted is left to the sweeper, never a row without its object.
 */
@Injectable()
export class PruneVersionsService {
  constructor(
    private readonly maps: MindMapRepository,
    private readonly versions: MapVersionRepository,
    private readonly usage: UsageLedger,
    private readonly janitor: ObjectJanitor,
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
      // A full batch that freed nothing means counters drifted; the reconcile job owns that.
      if (ids.length < batch || progress === 0) return removed;
    }
  }

  /** Maps waiting for a prune, and since when the longest-waiting one has; for the metrics. */
  overdueBacklog(): Promise<{ maps: number; oldestSince: Date | null }> {
    return this.maps.overdueBacklog();
  }

  /** Returns how many versions it removed. */
  async prune(mapId: string): Promise<number> {
    const removed = await this.uow.run(async () => {
      const map = await this.maps.lockById(mapId);
      if (!map) return [];
      const excess = await this.versions.lockBeyond(map.id, map.maxVersions);
      if (excess.length === 0) return [];
      await this.versions.deleteByIds(excess.map((v) => v.id));
      await this.maps.removedVersions(map.id, excess.length);
      await this.usage.subtract(map.ownerId, versionsCharge(excess, this.config.charges));
      return excess;
    });
    for (const v of removed) {
      await this.janitor.discard(v.objectKey, 'version pruned', { userId: v.ownerId, mapId, versionId: v.id });
    }
    return removed.length;
  }
}
