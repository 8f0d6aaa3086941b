/** What a write of key material checks against: the account's key version and login proof. */
export interface AccountKeyState {
  keyVersion: number;
  authKeyHash: string;
}

/**
 * The account's row as the one lock every write of key material takes (map create, envelope
 * change, share create, password change, rotation): held until the enclosing transaction ends, so
 * such writes of one account run one at a time and each sees the key version the others left.
 * Must be called inside a transaction; throws otherwise. Undefined when the account is gone.
 */
export abstract class AccountKeyLock {
  abstract lock(userId: string): Promise<AccountKeyState | undefined>;
}
