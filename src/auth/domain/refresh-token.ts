export interface RefreshToken {
  id: string;
  userId: string;
  familyId: string;
  secretHash: Buffer;
  /** Idle end: a token not used by then is dead; never later than its family's end. */
  expiresAt: Date;
  usedAt: Date | null;
}

/** One login: every token rotated from it belongs to it, and it ends them all at once. */
export interface RefreshFamily {
  id: string;
  userId: string;
  /** Absolute end of the login, however often it is refreshed. */
  expiresAt: Date;
  revokedAt: Date | null;
}
