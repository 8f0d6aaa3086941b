import type { Envelope, MapVersion } from '../domain/mind-map';

/** Saved versions of maps; rows are written once and only ever deleted. Joins the caller's transaction. */
export abstract class MapVersionRepository {
  abstract insert(version: MapVersion): Promise<void>;
  abstract findInMap(id: string, mapId: string): Promise<MapVersion | undefined>;
  /** Newest first. */
  abstract listForMap(mapId: string): Promise<MapVersion[]>;
  /** The versions past the newest `keep`, rows locked. In a transaction only. */
  abstract lockBeyond(mapId: string, keep: number): Promise<MapVersion[]>;
  abstract deleteByIds(ids: string[]): Promise<void>;
  /** Re-points every version saved under `from` to `to` (same data key, re-wrapped). In a transaction only. */
  abstract replaceEnvelope(mapId: string, from: Envelope, to: Envelope): Promise<void>;
}
