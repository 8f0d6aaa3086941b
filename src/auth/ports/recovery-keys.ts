/**
 * An account's recovery wrapping: its private keys sealed by the client under a key derived from
 * the recovery key, and the argon2id hash of the recovery key's proof (`recoveryAuthKey`). The
 * recovery key itself never reaches the server.
 */
export interface RecoveryKey {
  authHash: string;
  /** The keyVersion of the private keys wrapped here. */
  keyVersion: number;
  classicalPrivEncrypted: Buffer;
  pqPrivEncrypted: Buffer;
  createdAt: Date;
}

/** One recovery wrapping per account. Joins the caller's UnitOfWork transaction. */
export abstract class RecoveryKeys {
  abstract find(userId: string): Promise<RecoveryKey | undefined>;
  /** Sets the account's recovery wrapping, replacing any earlier one. */
  abstract save(userId: string, key: Omit<RecoveryKey, 'createdAt'>): Promise<void>;
  /** Drops it (a key rotation made the wrapped private keys stale); nothing when there is none. */
  abstract remove(userId: string): Promise<void>;
}
