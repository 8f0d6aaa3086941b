import type { Share } from '../domain/share';

/** A shares row as `pg` returns it. */
export interface ShareRow {
  id: string;
  map_id: string;
  owner_id: string;
  token_hash: Buffer;
  env_eph_classical_public: Buffer;
  env_eph_pq_ciphertext: Buffer;
  env_wrapped_dek: Buffer;
  version_id: string | null;
  expires_at: Date | null;
  created_at: Date;
}

export const SHARE_COLUMNS =
  'id, map_id, owner_id, token_hash, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek, version_id, expires_at, created_at';

export function toShare(r: ShareRow): Share {
  return {
    id: r.id,
    mapId: r.map_id,
    ownerId: r.owner_id,
    tokenHash: r.token_hash,
    envelope: { ephClassicalPublic: r.env_eph_classical_public, ephPqCiphertext: r.env_eph_pq_ciphertext, wrappedDek: r.env_wrapped_dek },
    versionId: r.version_id,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
  };
}

/** A share as statement parameters, in SHARE_COLUMNS order. */
export function shareParams(s: Share): unknown[] {
  return [
    s.id,
    s.mapId,
    s.ownerId,
    s.tokenHash,
    s.envelope.ephClassicalPublic,
    s.envelope.ephPqCiphertext,
    s.envelope.wrappedDek,
    s.versionId,
    s.expiresAt,
    s.createdAt,
  ];
}
