import type { RefreshToken } from '../domain/refresh-token';

/** A refresh_tokens row as `pg` returns it. */
export interface RefreshTokenRow {
  id: string;
  user_id: string;
  family_id: string;
  secret_hash: Buffer;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export const REFRESH_TOKEN_COLUMNS = 'id, user_id, family_id, secret_hash, expires_at, used_at, revoked_at';

export function toRefreshToken(r: RefreshTokenRow): RefreshToken {
  return {
    id: r.id,
    userId: r.user_id,
    familyId: r.family_id,
    secretHash: r.secret_hash,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
    revokedAt: r.revoked_at,
  };
}
