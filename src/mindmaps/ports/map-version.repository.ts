import type { MapVersion, VersionForRetention } from '../domain/mind-map';
import type { Envelope } from '../../common/domain/envelope';

/** Saved versions of maps; a row's content is written once (only its pin and name change) and then deleted. Joins the caller's transaction. */
export abstract class MapVersionRepository {
  abstract insert(version: MapVersion): Promise<void>;
  abstract findInMap(id: string, mapId: string): Promise<MapVersion | undefined>;
  /** Newest first. */
  abstract listForMap(mapId: string): Promise<MapVersion[]>;
  /**
   * Newest first, at most `limit`, after the position `after` a previous page returned; `next` is
   * the position after this page's last item, or null when the list is complete. Positions are
   * opaque decimal strings, stable while versions are added and pruned.
   */
  abstract listPage(mapId: string, limit: number, after?: string): Promise<{ items: MapVersion[]; next: string | null }>;
  /** The versions past the newest `keep`, rows locked. In a transaction only. */
  abstract lockBeyond(mapId: string, keep: number): Promise<MapVersion[]>;
  abstract deleteByIds(ids: string[]): Promise<void>;
  /** The object key of every version of the owner's maps. */
  abstract objectKeysOfOwner(ownerId: string): Promise<string[]>;
  /**
   * A map's versions as retention sees them, newest save first; `held` when a share link that has
   * not expired is pinned to it. In a transaction only (the map's row locked: every change to a
   * map's versions takes that lock first).
   */
  abstract listForRetention(mapId: string): Promise<VersionForRetention[]>;
  /** Deletes those of `ids` that are versions of `mapId`; returns what it deleted. In a transaction only. */
  abstract deleteInMap(mapId: string, ids: string[]): Promise<MapVersion[]>;
  /** Sets a version's pin and/or name; undefined when it is not a version of the map. In a transaction only. */
  abstract mark(id: string, mapId: string, marks: { pinned?: boolean; encryptedLabel?: Buffer | null }): Promise<MapVersion | undefined>;
  abstract countPinned(mapId: string): Promise<number>;
  /** The distinct wrappedDeks of every version of the owner's maps. In a transaction only (the maps locked). */
  abstract distinctWrappedDeks(ownerId: string): Promise<{ mapId: string; wrappedDek: Buffer }[]>;
  /**
   * For each item, every version of `mapId` whose envelope has `previousWrappedDek` gets `envelope`
   * (the same data key, re-wrapped); one statement. In a transaction only.
   */
  abstract replaceEnvelopes(items: { mapId: string; previousWrappedDek: Buffer; envelope: Envelope }[]): Promise<void>;
}
