import type { RefreshFamily, RefreshToken } from '../domain/refresh-token';

/** A refresh_tokens row as `pg` returns it. */
export interface RefreshTokenRow {
  id: string;
  user_id: string;
  family_id: string;
  secret_hash: Buffer;
  expires_at: Date;
  used_at: Date | null;
}

export const REFRESH_TOKEN_COLUMNS = 'id, user_id, family_id, secret_hash, expires_at, used_at';

export function toRefreshToken(r: RefreshTokenRow): RefreshToken {
  return {
    id: r.id,
    userId: r.user_id,
    familyId: r.family_id,
    secretHash: r.secret_hash,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
  };
}

/** A refresh_families row as `pg` returns it. */
export interface RefreshFamilyRow {
  id: string;
  user_id: string;
  expires_at: Date;
  revoked_at: Date | null;
}

export const REFRESH_FAMILY_COLUMNS = 'id, user_id, expires_at, revoked_at';

export function toRefreshFamily(r: RefreshFamilyRow): RefreshFamily {
  return { id: r.id, userId: r.user_id, expiresAt: r.expires_at, revokedAt: r.revoked_at };
}
