export type Role = 'user' | 'admin';

/** argon2id parameters the client uses to derive its keys from the password. */
export interface KdfParams {
  algorithm: 'argon2id';
  salt: Buffer;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** Public keys in clear, private keys encrypted by the client under its password-derived key. */
export interface KeyBundle {
  classicalPublicKey: Buffer;
  pqPublicKey: Buffer;
  classicalPrivEncrypted: Buffer;
  pqPrivEncrypted: Buffer;
}

export interface User {
  id: string;
  email: string;
  authKeyHash: string;
  kdf: KdfParams;
  keys: KeyBundle;
  keyVersion: number;
  role: Role;
  disabled: boolean;
  createdAt: Date;
}

/** What the access guard needs on every request. */
export interface AuthState {
  role: Role;
  disabled: boolean;
  /** Named by every access token; moving it on (logout-all, password change, disable) stops them all. */
  tokenVersion: number;
}

/** What an administrator may change about who uses the API. */
export type AccessChange = Partial<Pick<AuthState, 'role' | 'disabled'>>;
