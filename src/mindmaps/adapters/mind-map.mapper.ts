import type { Envelope, MapVersion, MindMap } from '../domain/mind-map';
import { EnvelopeColumns } from './entities/envelope.columns';
import { MapVersionEntity } from './entities/map-version.entity';
import { MindMapEntity } from './entities/mind-map.entity';

export function toEnvelope(c: EnvelopeColumns): Envelope {
  return { ephClassicalPublic: c.ephClassicalPublic, ephPqCiphertext: c.ephPqCiphertext, wrappedDek: c.wrappedDek };
}

export function toEnvelopeColumns(e: Envelope): EnvelopeColumns {
  return Object.assign(new EnvelopeColumns(), {
    ephClassicalPublic: e.ephClassicalPublic,
    ephPqCiphertext: e.ephPqCiphertext,
    wrappedDek: e.wrappedDek,
  });
}

export function toMindMap(e: MindMapEntity): MindMap {
  return {
    id: e.id,
    ownerId: e.ownerId,
    encryptedTitle: e.encryptedTitle,
    envelope: toEnvelope(e.envelope),
    maxVersions: e.maxVersions,
    headVersionId: e.headVersionId,
    sizeBytes: e.sizeBytes,
    versionCount: e.versionCount,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

/** A mind_maps row as `pg` returns it for MIND_MAP_COLUMNS (bigint as a string). */
export interface MindMapRow {
  id: string;
  owner_id: string;
  encrypted_title: Buffer;
  env_eph_classical_public: Buffer;
  env_eph_pq_ciphertext: Buffer;
  env_wrapped_dek: Buffer;
  max_versions: number;
  head_version_id: string | null;
  size_bytes: string;
  version_count: number;
  created_at: Date;
  updated_at: Date;
}

export const MIND_MAP_COLUMNS =
  'id, owner_id, encrypted_title, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek, ' +
  'max_versions, head_version_id, size_bytes, version_count, created_at, updated_at';

export function mindMapFromRow(r: MindMapRow): MindMap {
  return {
    id: r.id,
    ownerId: r.owner_id,
    encryptedTitle: r.encrypted_title,
    envelope: { ephClassicalPublic: r.env_eph_classical_public, ephPqCiphertext: r.env_eph_pq_ciphertext, wrappedDek: r.env_wrapped_dek },
    maxVersions: r.max_versions,
    headVersionId: r.head_version_id,
    sizeBytes: Number(r.size_bytes),
    versionCount: r.version_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toMindMapEntity(m: MindMap): MindMapEntity {
  return Object.assign(new MindMapEntity(), { ...m, envelope: toEnvelopeColumns(m.envelope) });
}

export function toMapVersion(e: MapVersionEntity): MapVersion {
  return {
    id: e.id,
    mapId: e.mapId,
    ownerId: e.ownerId,
    objectKey: e.objectKey,
    sizeBytes: e.sizeBytes,
    envelope: toEnvelope(e.envelope),
    savedAt: e.savedAt,
  };
}

export function toMapVersionEntity(v: MapVersion): MapVersionEntity {
  return Object.assign(new MapVersionEntity(), { ...v, envelope: toEnvelopeColumns(v.envelope) });
}
