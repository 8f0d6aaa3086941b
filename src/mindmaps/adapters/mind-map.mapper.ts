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
