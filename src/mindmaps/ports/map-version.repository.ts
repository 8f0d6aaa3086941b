import type { MapVersion } from '../domain/mind-map';
import type { Envelope } from '../../common/domain/envelope';

/** Saved versions of maps; rows are written once and only ever deleted. Joins the caller's transaction. */
export abstract class MapVersionRepository {
  abstract insert(version: MapVersion): Promise<void>;
  abstract findInMap(id: string, mapId: string): Promise<MapVersion | undefined>;
  /** Newest first. */
  abstract listForMap(mapId: string): Promise<MapVersion[]>;
  /** The versions past the newest `keep`, rows locked. In a transaction only. */
  abstract lockBeyond(mapId: string, keep: number): Promise<MapVersion[]>;
  abstract deleteByIds(ids: string[]): Promise<void>;
  /** The distinct wrappedDeks of every version of the owner's maps. In a transaction only (the maps locked). */
  abstract distinctWrappedDeks(ownerId: string): Promise<{ mapId: string; wrappedDek: Buffer }[]>;
  /**
   * For each item, every version of `mapId` whose envelope has `previousWrappedDek` gets `envelope`
   * (the same data key, re-wrapped); one statement. In a transaction only.
   */
  abstract replaceEnvelopes(items: { mapId: string; previousWrappedDek: Buffer; envelope: Envelope }[]): Promise<void>;
}
