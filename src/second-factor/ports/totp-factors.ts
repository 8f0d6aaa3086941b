/** A user's TOTP factor as stored: the sealed secret, whether enrolment finished, the last step used. */
export interface TotpFactor {
  secretSealed: Buffer;
  enabled: boolean;
  /** Time step of the last accepted code; null before any. */
  lastStep: number | null;
}

/**
 * TOTP factors and their backup codes, one factor per user. Every spend is one conditional
 * statement, so two requests racing with the same code cannot both succeed. Joins the caller's
 * UnitOfWork transaction.
 */
export abstract class TotpFactors {
  abstract find(userId: string): Promise<TotpFactor | undefined>;
  /** Stores a new pending (not yet enabled) secret; false, and nothing changed, when one is enabled already. */
  abstract savePending(userId: string, secretSealed: Buffer): Promise<boolean>;
  /** Enables the pending factor with its first accepted step; false when there was none pending. */
  abstract enable(userId: string, step: number): Promise<boolean>;
  /** Records `step` as used if it is later than the last one; false when it is not (a replay, or a race lost). */
  abstract advanceStep(userId: string, step: number): Promise<boolean>;
  /** Replaces the user's backup codes with these hashes, all unused. */
  abstract replaceBackupCodes(userId: string, codeHashes: Buffer[]): Promise<void>;
  /** Marks the unused code with this hash used; false when there is none. */
  abstract spendBackupCode(userId: string, codeHash: Buffer): Promise<boolean>;
  abstract unusedBackupCodes(userId: string): Promise<number>;
  /** Removes the factor and its backup codes. */
  abstract remove(userId: string): Promise<void>;
}
