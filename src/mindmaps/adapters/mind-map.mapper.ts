import type { MindMap } from '../domain/mind-map';
import { ENVELOPE_COLUMNS, EnvelopeRow, toEnvelope } from './envelope.columns';

/** A mind_maps row as `pg` returns it (bigint as a string). */
export interface MindMapRow extends EnvelopeRow {
  id: string;
  owner_id: string;
  encrypted_title: Buffer;
  max_versions: number;
  head_version_id: string | null;
  size_bytes: string;
  version_count: number;
  created_at: Date;
  updated_at: Date;
}

export const MIND_MAP_COLUMNS =
  `id, owner_id, encrypted_title, ${ENVELOPE_COLUMNS}, max_versions, head_version_id, size_bytes, version_count, created_at, updated_at`;

export function toMindMap(r: MindMapRow): MindMap {
  return {
    id: r.id,
    ownerId: r.owner_id,
    encryptedTitle: r.encrypted_title,
    envelope: toEnvelope(r),
    maxVersions: r.max_versions,
    headVersionId: r.head_version_id,
    sizeBytes: Number(r.size_bytes),
    versionCount: r.version_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
