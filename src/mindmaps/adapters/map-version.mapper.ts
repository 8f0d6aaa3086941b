import type { MapVersion } from '../domain/mind-map';
import { ENVELOPE_COLUMNS, EnvelopeRow, toEnvelope } from './envelope.columns';

/** A map_versions row as `pg` returns it (bigint as a string); `seq` orders a map's versions. */
export interface MapVersionRow extends EnvelopeRow {
  id: string;
  map_id: string;
  owner_id: string;
  object_key: string;
  size_bytes: string;
  saved_at: Date;
  pinned: boolean;
  encrypted_label: Buffer | null;
}

export const MAP_VERSION_COLUMNS = `id, map_id, owner_id, object_key, size_bytes, ${ENVELOPE_COLUMNS}, saved_at, pinned, encrypted_label`;

export function toMapVersion(r: MapVersionRow): MapVersion {
  return {
    id: r.id,
    mapId: r.map_id,
    ownerId: r.owner_id,
    objectKey: r.object_key,
    sizeBytes: Number(r.size_bytes),
    envelope: toEnvelope(r),
    savedAt: r.saved_at,
    pinned: r.pinned,
    encryptedLabel: r.encrypted_label,
  };
}
