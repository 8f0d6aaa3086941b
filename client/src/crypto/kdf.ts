/**
 * Password → account keys.
 *
 *   masterKey        = Argon2id(password, salt, m = memoryKiB, t = iterations, p = parallelism, 32 bytes)
 *   authKey          = HKDF-SHA-256(ikm = masterKey, salt = none, info = "mindvault/v1/auth-key", 32)
 *   keyEncryptionKey = HKDF-SHA-256(ikm = masterKey, salt = none, info = "mindvault/v1/key-encryption-key", 32)
 *
 * The password is NFC-normalised and UTF-8 encoded first, so the same password typed on systems
 * that compose accents differently derives the same keys. The server only ever sees authKey; the
 * two HKDF outputs are independent, so knowing authKey says nothing about the key-encryption key.
 */
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { KdfParams } from '../contract.js';
import { fromBase64, toBase64 } from './base64.js';
import { randomBytes, utf8, wipe } from './bytes.js';
import { InvalidInputError, KdfPolicyError } from './errors.js';

export const AUTH_KEY_INFO = 'mindvault/v1/auth-key';
export const KEY_ENCRYPTION_KEY_INFO = 'mindvault/v1/key-encryption-key';
export const MASTER_KEY_BYTES = 32;
export const KDF_SALT_BYTES = 16;

/** Cost for new accounts and password changes. */
export interface KdfCost {
  /** Argon2 memory cost, in KiB. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export const DEFAULT_KDF_COST: Readonly<KdfCost> = Object.freeze({ memoryKiB: 65536, iterations: 3, parallelism: 1 });

/**
 * Bounds the client accepts for KDF parameters, whoever supplied them. The floor matters because
 * prelogin parameters come from the server: a malicious server could hand out a trivial cost and
 * then brute-force the password from the authKey it receives. The ceiling keeps a hostile value
 * from exhausting the device.
 */
export interface KdfPolicy {
  minMemoryKiB: number;
  maxMemoryKiB: number;
  minIterations: number;
  maxIterations: number;
  maxParallelism: number;
  minSaltBytes: number;
  maxSaltBytes: number;
}

/** Floor is OWASP's Argon2id minimum (19 MiB, t = 2). Ceiling is noble's default 1 GiB budget. */
export const DEFAULT_KDF_POLICY: Readonly<KdfPolicy> = Object.freeze({
  minMemoryKiB: 19456,
  maxMemoryKiB: 1048576,
  minIterations: 2,
  maxIterations: 32,
  maxParallelism: 16,
  minSaltBytes: 16,
  maxSaltBytes: 64,
});

/** Only for tests and local tooling: accepts the tiny costs that keep a test suite fast. */
export const INSECURE_TEST_KDF_POLICY: Readonly<KdfPolicy> = Object.freeze({
  ...DEFAULT_KDF_POLICY,
  minMemoryKiB: 8,
  minIterations: 1,
  minSaltBytes: 8,
});

export interface AccountKeys {
  /** Proof of password for login/register; the only derived value sent to the server. */
  authKey: Uint8Array;
  /** Encrypts the account's private keys (key-bundle.ts). Never leaves the device. */
  keyEncryptionKey: Uint8Array;
}

/** Fresh parameters for a new account or a password change: random 16-byte salt. */
export function newKdfParams(cost: Partial<KdfCost> = {}): KdfParams {
  const { memoryKiB, iterations, parallelism } = { ...DEFAULT_KDF_COST, ...cost };
  return { algorithm: 'argon2id', salt: toBase64(randomBytes(KDF_SALT_BYTES)), memoryKiB, iterations, parallelism };
}

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new KdfPolicyError(`kdf.${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

/** Returns the decoded salt; throws KdfPolicyError for anything outside `policy`. */
export function checkKdfParams(params: KdfParams, policy: KdfPolicy = DEFAULT_KDF_POLICY): Uint8Array {
  if (params === null || typeof params !== 'object') throw new KdfPolicyError('kdf parameters missing');
  if (params.algorithm !== 'argon2id') {
    throw new KdfPolicyError(`unsupported kdf algorithm ${JSON.stringify(params.algorithm)}`);
  }
  const parallelism = checkInteger('parallelism', params.parallelism, 1, policy.maxParallelism);
  // Argon2 itself requires at least 8 KiB per lane.
  checkInteger('memoryKiB', params.memoryKiB, Math.max(policy.minMemoryKiB, 8 * parallelism), policy.maxMemoryKiB);
  checkInteger('iterations', params.iterations, policy.minIterations, policy.maxIterations);
  let salt: Uint8Array;
  try {
    salt = fromBase64(params.salt, 'kdf.salt');
  } catch (cause) {
    throw new KdfPolicyError('kdf.salt is not valid base64', { cause });
  }
  if (salt.length < policy.minSaltBytes || salt.length > policy.maxSaltBytes) {
    throw new KdfPolicyError(`kdf.salt must be ${policy.minSaltBytes}..${policy.maxSaltBytes} bytes, got ${salt.length}`);
  }
  return salt;
}

export interface DeriveOptions {
  policy?: KdfPolicy;
}

/** Argon2id master key. Async so a browser's main thread is yielded to during the ~1 s of work. */
export async function deriveMasterKey(password: string, params: KdfParams, options: DeriveOptions = {}): Promise<Uint8Array> {
  if (typeof password !== 'string' || password.length === 0) throw new InvalidInputError('password must be a non-empty string');
  const salt = checkKdfParams(params, options.policy);
  const passwordBytes = utf8(password.normalize('NFC'));
  try {
    return await argon2idAsync(passwordBytes, salt, {
      m: params.memoryKiB,
      t: params.iterations,
      p: params.parallelism,
      dkLen: MASTER_KEY_BYTES,
    });
  } finally {
    wipe(passwordBytes);
  }
}

/** Splits a master key into the authKey and the key-encryption key. */
export function splitMasterKey(masterKey: Uint8Array): AccountKeys {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new InvalidInputError(`master key must be ${MASTER_KEY_BYTES} bytes`);
  return {
    authKey: hkdf(sha256, masterKey, undefined, utf8(AUTH_KEY_INFO), 32),
    keyEncryptionKey: hkdf(sha256, masterKey, undefined, utf8(KEY_ENCRYPTION_KEY_INFO), 32),
  };
}

/** Password + KDF parameters (from prelogin, or fresh from newKdfParams) → account keys. */
export async function deriveAccountKeys(password: string, params: KdfParams, options: DeriveOptions = {}): Promise<AccountKeys> {
  const masterKey = await deriveMasterKey(password, params, options);
  try {
    return splitMasterKey(masterKey);
  } finally {
    wipe(masterKey);
  }
}
