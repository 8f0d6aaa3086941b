import type { Role, User } from '../domain/user';

/** A users row as `pg` returns it. */
export interface UserRow {
  id: string;
  email: string;
  auth_key_hash: string;
  kdf_salt: Buffer;
  kdf_memory_kib: number;
  kdf_iterations: number;
  kdf_parallelism: number;
  classical_public_key: Buffer;
  pq_public_key: Buffer;
  classical_priv_encrypted: Buffer;
  pq_priv_encrypted: Buffer;
  key_version: number;
  role: Role;
  disabled: boolean;
  created_at: Date;
}

export const USER_COLUMNS =
  'id, email, auth_key_hash, kdf_salt, kdf_memory_kib, kdf_iterations, kdf_parallelism, classical_public_key, pq_public_key, ' +
  'classical_priv_encrypted, pq_priv_encrypted, key_version, role, disabled, created_at';

export function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    authKeyHash: r.auth_key_hash,
    kdf: {
      algorithm: 'argon2id',
      salt: r.kdf_salt,
      memoryKiB: r.kdf_memory_kib,
      iterations: r.kdf_iterations,
      parallelism: r.kdf_parallelism,
    },
    keys: {
      classicalPublicKey: r.classical_public_key,
      pqPublicKey: r.pq_public_key,
      classicalPrivEncrypted: r.classical_priv_encrypted,
      pqPrivEncrypted: r.pq_priv_encrypted,
    },
    keyVersion: r.key_version,
    role: r.role,
    disabled: r.disabled,
    createdAt: r.created_at,
  };
}

/** A user as statement parameters, in USER_COLUMNS order. */
export function userParams(u: User): unknown[] {
  return [
    u.id,
    u.email,
    u.authKeyHash,
    u.kdf.salt,
    u.kdf.memoryKiB,
    u.kdf.iterations,
    u.kdf.parallelism,
    u.keys.classicalPublicKey,
    u.keys.pqPublicKey,
    u.keys.classicalPrivEncrypted,
    u.keys.pqPrivEncrypted,
    u.keyVersion,
    u.role,
    u.disabled,
    u.createdAt,
  ];
}
