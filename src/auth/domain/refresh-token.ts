export interface RefreshToken {
  id: string;
  userId: string;
  familyId: string;
  secretHash: Buffer;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}
