import { toEnvelopeDto } from '../../common/http/envelope.dto';
import type { MapVersion, MindMap } from '../domain/mind-map';
import type { InlineContentDto, MindMapDetailDto, MindMapSummaryDto, SavedVersionDto, VersionSnapshotDto } from './mind-map-responses.dto';

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
  return {
    ...toSavedVersionDto(v),
    envelope: toEnvelopeDto(v.envelope),
    pinned: v.pinned,
    encryptedLabel: v.encryptedLabel === null ? null : v.encryptedLabel.toString('base64'),
  };
}

export function toInlineContentDto(content: { version: MapVersion; bytes: Buffer } | null): InlineContentDto | null {
  return content && { ...toSnapshotDto(content.version), data: content.bytes.toString('base64') };
}
