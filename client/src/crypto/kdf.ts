/**
 * Password → account keys.
 *
 * v2 (every account this client creates or upgrades):
 *   email      = NFC(trim(email)), lower-cased
 *   salt       = SHA-256(ctx("mindvault/v2/kdf-salt", email, serverSalt))                32 bytes
 *   masterKey  = Argon2id v0x13(NFC(password), salt, m = memoryKiB, t = iterations, p = parallelism, 32)
 *   authKey          = HKDF-SHA-256(masterKey, salt = none, info = "mindvault/v2/auth-key", 32)  → the server
 *   keyEncryptionKey = HKDF-SHA-256(masterKey, salt = none, info = "mindvault/v2/key-encryption-key", 32)
 *
 * Folding the email into the salt means a server cannot hand many accounts one salt and attack
 * all their authKeys with one Argon2id run per guess: the salts differ whatever it sends.
 *
 * v1 (legacy, read only to upgrade an old account; see docs/crypto.md): the server's salt as is,
 * labels "mindvault/v1/auth-key" and "mindvault/v1/key-encryption-key".
 *
 * Argon2id runs in WebAssembly (hash-wasm), in browsers and Node alike.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { argon2id } from 'hash-wasm';
import type { KdfParams } from '../contract.js';
import { fromBase64, toBase64 } from './base64.js';
import { randomBytes, utf8, wipe } from './bytes.js';
import { ctx } from './context.js';
import { InvalidInputError, KdfPolicyError } from './errors.js';

export type KdfFormat = 'v1' | 'v2';

const LABELS = {
  v1: { auth: 'mindvault/v1/auth-key', kek: 'mindvault/v1/key-encryption-key' },
  v2: { auth: 'mindvault/v2/auth-key', kek: 'mindvault/v2/key-encryption-key' },
} as const;

export const AUTH_KEY_INFO = LABELS.v2.auth;
export const KEY_ENCRYPTION_KEY_INFO = LABELS.v2.kek;
export const KDF_SALT_LABEL = 'mindvault/v2/kdf-salt';
export const MASTER_KEY_BYTES = 32;
/** Server salt of new accounts; the same length as the server's fake prelogin salts. */
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

/** The floor is the default cost itself: no server can talk this client below it. */
export const DEFAULT_KDF_POLICY: Readonly<KdfPolicy> = Object.freeze({
  minMemoryKiB: DEFAULT_KDF_COST.memoryKiB,
  maxMemoryKiB: 1048576,
  minIterations: DEFAULT_KDF_COST.iterations,
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

/** Fresh parameters for a new account or a password change: random 16-byte server salt. */
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

/** Returns the decoded server salt; throws KdfPolicyError for anything outside `policy`. */
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

/**
 * The email as it enters the salt and as it is sent to the server (docs/crypto.md §3): leading
 * and trailing ASCII whitespace (U+0009–U+000D, U+0020) dropped, then NFKC, Unicode lowercase
 * (String.prototype.toLowerCase, Python's str.lower), NFKC again. Nothing else is trimmed: any
 * other space or invisible character stays, and the server refuses to register such an address.
 * The server applies the same rule (src/auth/domain/email-address.ts); vectors: test/vectors/email.json.
 */
export function normalizeEmail(email: string): string {
  if (typeof email !== 'string') throw new InvalidInputError('email must be a non-empty string');
  const normalized = email.replace(ASCII_SPACE_EDGES, '').normalize('NFKC').toLowerCase().normalize('NFKC');
  if (normalized.length === 0) throw new InvalidInputError('email must be a non-empty string');
  return normalized;
}

const ASCII_SPACE_EDGES = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;

/**
 * How an account's address enters its salt (docs/crypto.md §3): 'normal', normalizeEmail's form,
 * for every account registered since emails are normalised; 'registered', the address exactly as
 * given, for an account registered before, whose client salted with preNormalisationEmail's form
 * and whose server stored that form.
 */
export type EmailForm = 'normal' | 'registered';

/** An address as an account is reached and salted by: what is sent, and how it enters the salt. */
export interface AccountAddress {
  email: string;
  form: EmailForm;
}

/**
 * The address as clients before normalisation sent it and salted with: NFC, JavaScript `trim()`,
 * lowercase. Only to reach an account registered then (docs/crypto.md §3).
 */
export function preNormalisationEmail(email: string): string {
  if (typeof email !== 'string') throw new InvalidInputError('email must be a non-empty string');
  return email.normalize('NFC').trim().toLowerCase();
}

/**
 * The addresses an account typed as `typed` may be registered under, in the order a client tries
 * them: its normal form, then, when it differs, its pre-normalisation form. The second is tried only
 * after the server refused the first: the server looks the sent address up as sent (lower-cased)
 * before its normal form, so the normal form never reaches an older account, and a key derived
 * with the older form only opens an account whose salt was bound to that form.
 */
export function accountAddresses(typed: string): AccountAddress[] {
  const normal = normalizeEmail(typed);
  const registered = preNormalisationEmail(typed);
  return registered === normal || registered.length === 0
    ? [{ email: normal, form: 'normal' }]
    : [{ email: normal, form: 'normal' }, { email: registered, form: 'registered' }];
}

/** v2 Argon2id salt: the server's salt bound to the account's email, in the account's form. */
export function deriveKdfSalt(email: string, serverSalt: Uint8Array, form: EmailForm = 'normal'): Uint8Array {
  return sha256(ctx(KDF_SALT_LABEL, form === 'normal' ? normalizeEmail(email) : email, serverSalt));
}

export interface DeriveOptions {
  policy?: KdfPolicy;
}

export interface DeriveInput {
  password: string;
  /** The account's email: part of the v2 salt. */
  email: string;
  /** How `email` enters the salt; 'normal' unless the account was registered before normalisation. */
  emailForm?: EmailForm;
  params: KdfParams;
  /** 'v2' unless opening a legacy account to upgrade it. */
  format?: KdfFormat;
}

/** Argon2id (version 0x13) over raw bytes; exported for the test vectors and the benchmark. */
export async function argon2idRaw(password: Uint8Array, salt: Uint8Array, cost: KdfCost): Promise<Uint8Array> {
  return argon2id({
    password,
    salt,
    iterations: cost.iterations,
    memorySize: cost.memoryKiB,
    parallelism: cost.parallelism,
    hashLength: MASTER_KEY_BYTES,
    outputType: 'binary',
  });
}

/** Argon2id master key. Async: the WASM module loads once, then runs about 0.3 s at the default cost. */
export async function deriveMasterKey(input: DeriveInput, options: DeriveOptions = {}): Promise<Uint8Array> {
  const { password, params } = input;
  if (typeof password !== 'string' || password.length === 0) throw new InvalidInputError('password must be a non-empty string');
  const serverSalt = checkKdfParams(params, options.policy);
  const salt = (input.format ?? 'v2') === 'v2' ? deriveKdfSalt(input.email, serverSalt, input.emailForm) : serverSalt;
  const passwordBytes = utf8(password.normalize('NFC'));
  try {
    return await argon2idRaw(passwordBytes, salt, params);
  } finally {
    wipe(passwordBytes);
  }
}

/** Splits a master key into the authKey and the key-encryption key. */
export function splitMasterKey(masterKey: Uint8Array, format: KdfFormat = 'v2'): AccountKeys {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new InvalidInputError(`master key must be ${MASTER_KEY_BYTES} bytes`);
  const labels = LABELS[format];
  return {
    authKey: hkdf(sha256, masterKey, undefined, utf8(labels.auth), 32),
    keyEncryptionKey: hkdf(sha256, masterKey, undefined, utf8(labels.kek), 32),
  };
}

/** Password, email and KDF parameters (from prelogin, or fresh from newKdfParams) → account keys. */
export async function deriveAccountKeys(input: DeriveInput, options: DeriveOptions = {}): Promise<AccountKeys> {
  const masterKey = await deriveMasterKey(input, options);
  try {
    return splitMasterKey(masterKey, input.format ?? 'v2');
  } finally {
    wipe(masterKey);
  }
}
