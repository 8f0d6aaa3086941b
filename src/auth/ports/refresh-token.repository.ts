import type { RefreshToken } from '../domain/refresh-token';

/** Refresh tokens: only a hash of each secret is stored. */
export abstract class RefreshTokenRepository {
  abstract insert(token: RefreshToken): Promise<void>;
  abstract findById(id: string): Promise<RefreshToken | undefined>;
  /** Marks the token spent if it is still live; false when someone spent or revoked it first. */
  abstract spend(id: string): Promise<boolean>;
  abstract revokeFamily(familyId: string): Promise<void>;
  abstract revokeAllForUser(userId: string): Promise<void>;
}
