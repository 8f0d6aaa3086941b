import type { RefreshFamily, RefreshToken } from '../domain/refresh-token';

/**
 * Refresh tokens and their families (logins): only a hash of each secret is stored. A token is
 * live while it is unused, before its own and its family's end, and its family is not revoked, so
 * revoking a family is one row. Joins the caller's UnitOfWork transaction.
 */
export abstract class RefreshTokenRepository {
  abstract insertFamily(family: RefreshFamily): Promise<void>;
  abstract insert(token: RefreshToken): Promise<void>;
  /**
   * The token and its family, with the family's row locked until the transaction ends: every
   * rotation and revocation of the family waits for it. Only correct inside a transaction.
   */
  abstract lockWithFamily(tokenId: string): Promise<{ token: RefreshToken; family: RefreshFamily } | undefined>;
  abstract findById(id: string): Promise<RefreshToken | undefined>;
  abstract spend(id: string): Promise<void>;
  abstract revokeFamily(familyId: string): Promise<void>;
  abstract revokeAllForUser(userId: string): Promise<void>;
  /**
   * Deletes up to `limit` tokens past their end and up to `limit` families that are over (ended or
   * revoked); returns how many of those it deleted. A family's tokens go with it, uncounted.
   */
  abstract purgeExpired(limit: number): Promise<number>;
}
