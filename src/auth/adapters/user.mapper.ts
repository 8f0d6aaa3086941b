import type { Role, User } from '../domain/user';
import { UserEntity } from './entities/user.entity';

export function toUser(e: UserEntity): User {
  return {
    id: e.id,
    email: e.email,
    authKeyHash: e.authKeyHash,
    kdf: {
      algorithm: 'argon2id',
      salt: e.kdfSalt,
      memoryKiB: e.kdfMemoryKiB,
      iterations: e.kdfIterations,
      parallelism: e.kdfParallelism,
    },
    keys: {
      classicalPublicKey: e.classicalPublicKey,
      pqPublicKey: e.pqPublicKey,
      classicalPrivEncrypted: e.classicalPrivEncrypted,
      pqPrivEncrypted: e.pqPrivEncrypted,
    },
    keyVersion: e.keyVersion,
    role: e.role as Role,
    disabled: e.disabled,
    createdAt: e.createdAt,
  };
}

export function toUserEntity(u: User): UserEntity {
  const e = new UserEntity();
  e.id = u.id;
  e.email = u.email;
  e.authKeyHash = u.authKeyHash;
  e.kdfSalt = u.kdf.salt;
  e.kdfMemoryKiB = u.kdf.memoryKiB;
  e.kdfIterations = u.kdf.iterations;
  e.kdfParallelism = u.kdf.parallelism;
  e.classicalPublicKey = u.keys.classicalPublicKey;
  e.pqPublicKey = u.keys.pqPublicKey;
  e.classicalPrivEncrypted = u.keys.classicalPrivEncrypted;
  e.pqPrivEncrypted = u.keys.pqPrivEncrypted;
  e.keyVersion = u.keyVersion;
  e.role = u.role;
  e.disabled = u.disabled;
  return e;
}
