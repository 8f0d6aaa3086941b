import { fromBase64 } from '../../common/http/base64';
import type { Envelope, MapVersion, MindMap } from '../domain/mind-map';
import type { EnvelopeDto } from './envelope.dto';
import type { MindMapDetailDto, MindMapSummaryDto, SavedVersionDto, VersionSnapshotDto } from './mind-map-responses.dto';

export function fromEnvelopeDto(dto: EnvelopeDto): Envelope {
  return {
    ephClassicalPublic: fromBase64(dto.ephClassicalPublic),
    ephPqCiphertext: fromBase64(dto.ephPqCiphertext),
    wrappedDek: fromBase64(dto.wrappedDek),
  };
}

export function toEnvelopeDto(e: Envelope): EnvelopeDto {
  return {
    ephClassicalPublic: e.ephClassicalPublic.toString('base64'),
    ephPqCiphertext: e.ephPqCiphertext.toString('base64'),
    wrappedDek: e.wrappedDek.toString('base64'),
  };
}

export function toSummaryDto(m: MindMap): MindMapSummaryDto {
  return {
    id: m.id,
    encryptedTitle: m.encryptedTitle.toString('base64'),
    envelope: toEnvelopeDto(m.envelope),
    headVersionId: m.headVersionId,
    sizeBytes: m.sizeBytes,
    versionCount: m.versionCount,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export function toDetailDto(m: MindMap): MindMapDetailDto {
  return { ...toSummaryDto(m), maxVersions: m.maxVersions };
}

export function toSavedVersionDto(v: MapVersion): SavedVersionDto {
  return { versionId: v.id, sizeBytes: v.sizeBytes, savedAt: v.savedAt.toISOString() };
}

export function toSnapshotDto(v: MapVersion): VersionSnapshotDto {
  return { ...toSavedVersionDto(v), envelope: toEnvelopeDto(v.envelope) };
}
