import type { Share } from '../domain/share';
import { ShareEntity } from './entities/share.entity';

export function toShare(e: ShareEntity): Share {
  return {
    id: e.id,
    mapId: e.mapId,
    ownerId: e.ownerId,
    tokenHash: e.tokenHash,
    envelope: { ephClassicalPublic: e.ephClassicalPublic, ephPqCiphertext: e.ephPqCiphertext, wrappedDek: e.wrappedDek },
    versionId: e.versionId,
    expiresAt: e.expiresAt,
    createdAt: e.createdAt,
  };
}

export function toShareEntity(s: Share): ShareEntity {
  return Object.assign(new ShareEntity(), {
    id: s.id,
    mapId: s.mapId,
    ownerId: s.ownerId,
    tokenHash: s.tokenHash,
    ephClassicalPublic: s.envelope.ephClassicalPublic,
    ephPqCiphertext: s.envelope.ephPqCiphertext,
    wrappedDek: s.envelope.wrappedDek,
    versionId: s.versionId,
    expiresAt: s.expiresAt,
    createdAt: s.createdAt,
  });
}
