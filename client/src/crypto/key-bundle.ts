/**
 * The account's two key pairs and how their private halves are stored on the server.
 *
 * Private-key blob, version 2 (classicalPrivEncrypted / pqPrivEncrypted, base64 on the wire):
 *
 *   offset 0   version   0x02
 *   offset 1   algorithm 0x01 = AES-256-GCM under the password-derived key-encryption key
 *   offset 2   nonce     12 random bytes
 *   offset 14  ciphertext || 16-byte tag
 *   AAD = bytes 0..13 || ctx(purpose, u32 keyVersion)
 *   purpose = "mindvault/v2/private-key/x25519" or "mindvault/v2/private-key/ml-kem-768"
 *
 * Only the password holder can seal one: the key-encryption key never leaves the device, and it
 * belongs to one account because the v2 KDF salt is bound to the account's email (kdf.ts). The
 * AAD binds the blob to its kind and keyVersion, so a blob of another kind or of an older
 * keyVersion (a rolled-back bundle served as the current one) does not open. Version 1 (AAD = bytes 0..13 || UTF-8 "mindvault/v1/private-key/…",
 * no context) still opens, to upgrade old accounts.
 *
 * Plaintexts: the 32-byte X25519 secret scalar (blob: 62 bytes), and the 64-byte ML-KEM-768 seed
 * d || z of FIPS 203 KeyGen (blob: 94 bytes) rather than the 2400-byte expanded key — smaller, and
 * re-deriving from the seed lets unlocking prove the private key belongs to the bundle's public key.
 *
 * The account MAC key, which authenticates every owner envelope (hybrid-kem.ts), is derived from
 * the private keys: HKDF-SHA-256(ikm = x25519 secret || ML-KEM seed, salt = none,
 * info = "mindvault/v2/account-mac-key", 32). No public value yields it; a password change keeps
 * it (same private keys), and a rotation replaces it together with every envelope it signs.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { KeyBundleInput } from '../contract.js';
import { ALG_AES_256_GCM, openWithHeader, sealWithHeader } from './aes-gcm.js';
import { fromBase64, toBase64 } from './base64.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes, randomBytes, utf8, wipe } from './bytes.js';
import { ctx, u32 } from './context.js';
import { DecryptionError, InvalidInputError } from './errors.js';

export const X25519_KEY_BYTES = 32;
export const MLKEM768_PUBLIC_KEY_BYTES = 1184;
export const MLKEM768_SEED_BYTES = 64;
export const MLKEM768_CIPHERTEXT_BYTES = 1088;

export const PRIVATE_KEY_BLOB_VERSION = 0x02;
const LEGACY_PRIVATE_KEY_BLOB_VERSION = 0x01;
const PRIVATE_KEY_PREFIX_BYTES = 2;
export const ACCOUNT_MAC_KEY_INFO = 'mindvault/v2/account-mac-key';

export type PrivateKeyKind = 'classical' | 'pq';

/** 'v1' blobs have no context; an account still holding them is upgraded (vault.ts). */
export type BundleFormat = 'v1' | 'v2';

const PRIVATE_KEY_PURPOSE: Record<BundleFormat, Record<PrivateKeyKind, string>> = {
  v1: { classical: 'mindvault/v1/private-key/x25519', pq: 'mindvault/v1/private-key/ml-kem-768' },
  v2: { classical: 'mindvault/v2/private-key/x25519', pq: 'mindvault/v2/private-key/ml-kem-768' },
};

/** Which generation of the account's keys: bound into every v2 private-key blob. */
export interface BundleContext {
  keyVersion: number;
}

function privateKeyAad(kind: PrivateKeyKind, format: BundleFormat, context: BundleContext): Uint8Array {
  if (format === 'v1') return utf8(PRIVATE_KEY_PURPOSE.v1[kind]);
  return ctx(PRIVATE_KEY_PURPOSE.v2[kind], u32(context.keyVersion));
}

const PRIVATE_KEY_PLAINTEXT_BYTES: Record<PrivateKeyKind, number> = {
  classical: X25519_KEY_BYTES,
  pq: MLKEM768_SEED_BYTES,
};

/** Unlocked account keys. Hold them in memory only. */
export interface AccountKeyPairs {
  classical: { publicKey: Uint8Array; secretKey: Uint8Array };
  /** `seed` is what is stored; `secretKey` is the expanded decapsulation key derived from it. */
  pq: { publicKey: Uint8Array; seed: Uint8Array; secretKey: Uint8Array };
}

/** Rebuilds both key pairs from their stored secrets (X25519 scalar, ML-KEM-768 seed). */
export function keyPairsFromSecrets(classicalSecret: Uint8Array, pqSeed: Uint8Array): AccountKeyPairs {
  if (classicalSecret.length !== X25519_KEY_BYTES) throw new InvalidInputError('X25519 secret key must be 32 bytes');
  if (pqSeed.length !== MLKEM768_SEED_BYTES) throw new InvalidInputError('ML-KEM-768 seed must be 64 bytes');
  const pq = ml_kem768.keygen(pqSeed);
  return {
    classical: { publicKey: x25519.getPublicKey(classicalSecret), secretKey: Uint8Array.from(classicalSecret) },
    pq: { publicKey: pq.publicKey, seed: Uint8Array.from(pqSeed), secretKey: pq.secretKey },
  };
}

export function generateKeyPairs(): AccountKeyPairs {
  // NOTE: we draw the ML-KEM seed ourselves: noble wipes a seed it generated, and we must store it.
  return keyPairsFromSecrets(x25519.utils.randomSecretKey(), randomBytes(MLKEM768_SEED_BYTES));
}

/** The key that authenticates this account's owner envelopes; derived, never stored. */
export function deriveAccountMacKey(keys: AccountKeyPairs): Uint8Array {
  const ikm = concatBytes(keys.classical.secretKey, keys.pq.seed);
  try {
    return hkdf(sha256, ikm, undefined, utf8(ACCOUNT_MAC_KEY_INFO), 32);
  } finally {
    wipe(ikm);
  }
}

/** Seals a private key as a v2 blob bound to `context`. */
export async function sealPrivateKey(
  kind: PrivateKeyKind,
  secret: Uint8Array,
  keyEncryptionKey: Uint8Array,
  context: BundleContext,
): Promise<Uint8Array> {
  if (secret.length !== PRIVATE_KEY_PLAINTEXT_BYTES[kind]) throw new InvalidInputError(`${kind} private key has the wrong length`);
  const prefix = Uint8Array.of(PRIVATE_KEY_BLOB_VERSION, ALG_AES_256_GCM);
  return sealWithHeader(keyEncryptionKey, prefix, privateKeyAad(kind, 'v2', context), secret);
}

/** The format byte of a private-key blob, checked. */
export function privateKeyFormat(blob: Uint8Array, what: string): BundleFormat {
  if (blob.length < PRIVATE_KEY_PREFIX_BYTES) throw new DecryptionError('malformed', `${what}: too short`);
  if (blob[1] !== ALG_AES_256_GCM) throw new DecryptionError('unsupported-format', `${what}: unknown algorithm ${blob[1]}`);
  if (blob[0] === PRIVATE_KEY_BLOB_VERSION) return 'v2';
  if (blob[0] === LEGACY_PRIVATE_KEY_BLOB_VERSION) return 'v1';
  throw new DecryptionError('unsupported-format', `${what}: unknown version ${blob[0]}`);
}

export async function openPrivateKey(
  kind: PrivateKeyKind,
  blob: Uint8Array,
  keyEncryptionKey: Uint8Array,
  context: BundleContext,
): Promise<Uint8Array> {
  const what = `${kind} private key`;
  const format = privateKeyFormat(blob, what);
  const secret = await openWithHeader(keyEncryptionKey, blob, PRIVATE_KEY_PREFIX_BYTES, privateKeyAad(kind, format, context), what);
  if (secret.length !== PRIVATE_KEY_PLAINTEXT_BYTES[kind]) throw new DecryptionError('malformed', `${what}: wrong length`);
  return secret;
}

export async function sealPrivateKeys(
  keys: AccountKeyPairs,
  keyEncryptionKey: Uint8Array,
  context: BundleContext,
): Promise<Pick<KeyBundleInput, 'classicalPrivEncrypted' | 'pqPrivEncrypted'>> {
  return {
    classicalPrivEncrypted: toBase64(await sealPrivateKey('classical', keys.classical.secretKey, keyEncryptionKey, context)),
    pqPrivEncrypted: toBase64(await sealPrivateKey('pq', keys.pq.seed, keyEncryptionKey, context)),
  };
}

/** The contract's KeyBundleInput for these key pairs, private halves sealed under the KEK. */
export async function buildKeyBundle(keys: AccountKeyPairs, keyEncryptionKey: Uint8Array, context: BundleContext): Promise<KeyBundleInput> {
  return {
    classicalPublicKey: toBase64(keys.classical.publicKey),
    pqPublicKey: toBase64(keys.pq.publicKey),
    ...(await sealPrivateKeys(keys, keyEncryptionKey, context)),
  };
}

function decodeField(value: string, what: string, length?: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(value, what);
  } catch (cause) {
    throw new DecryptionError('malformed', `${what}: not valid base64`, { cause });
  }
  if (length !== undefined && bytes.length !== length) {
    throw new DecryptionError('malformed', `${what}: expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export interface UnlockedBundle {
  keyPairs: AccountKeyPairs;
  /** 'v1': a legacy bundle, opened only to upgrade the account. */
  format: BundleFormat;
}

/**
 * Opens a key bundle (from GET /api/auth/keys) with the password-derived key-encryption key, at the
 * bundle's keyVersion. A wrong password — or a blob sealed for another account, kind or
 * keyVersion, i.e. not by this password holder for this bundle — surfaces as
 * DecryptionError('authentication-failed'). The private keys are then checked against the bundle's
 * public keys, so a server that pairs our private keys with public keys of its choosing is caught
 * ('key-mismatch') instead of silently encrypting to the wrong key. Both blobs must share one format.
 */
export async function unlockKeyBundle(
  bundle: KeyBundleInput & { keyVersion: number },
  keyEncryptionKey: Uint8Array,
): Promise<UnlockedBundle> {
  const context = { keyVersion: bundle.keyVersion };
  const classicalPublic = decodeField(bundle.classicalPublicKey, 'classicalPublicKey', X25519_KEY_BYTES);
  const pqPublic = decodeField(bundle.pqPublicKey, 'pqPublicKey', MLKEM768_PUBLIC_KEY_BYTES);
  const classicalBlob = decodeField(bundle.classicalPrivEncrypted, 'classicalPrivEncrypted');
  const pqBlob = decodeField(bundle.pqPrivEncrypted, 'pqPrivEncrypted');
  const format = privateKeyFormat(classicalBlob, 'classical private key');
  if (privateKeyFormat(pqBlob, 'pq private key') !== format) {
    throw new DecryptionError('malformed', 'key bundle: the two private-key blobs have different formats');
  }
  const classicalSecret = await openPrivateKey('classical', classicalBlob, keyEncryptionKey, context);
  const pqSeed = await openPrivateKey('pq', pqBlob, keyEncryptionKey, context);
  const keys = keyPairsFromSecrets(classicalSecret, pqSeed);
  wipe(classicalSecret, pqSeed);
  if (!bytesEqual(keys.classical.publicKey, classicalPublic) || !bytesEqual(keys.pq.publicKey, pqPublic)) {
    throw new DecryptionError('key-mismatch', 'key bundle: private keys do not match the public keys');
  }
  return { keyPairs: keys, format };
}
