/**
 * The account's two key pairs and how their private halves are stored on the server.
 *
 * Private-key blob, version 1 (classicalPrivEncrypted / pqPrivEncrypted, base64 on the wire):
 *
 *   offset 0   version   0x01
 *   offset 1   algorithm 0x01 = AES-256-GCM under the password-derived key-encryption key
 *   offset 2   nonce     12 random bytes
 *   offset 14  ciphertext || 16-byte tag
 *   AAD = bytes 0..13 || UTF-8("mindvault/v1/private-key/x25519" or ".../ml-kem-768")
 *
 * Plaintexts: the 32-byte X25519 secret scalar (blob: 62 bytes), and the 64-byte ML-KEM-768 seed
 * d || z of FIPS 203 KeyGen (blob: 94 bytes) rather than the 2400-byte expanded key — smaller, and
 * re-deriving from the seed lets unlocking prove the private key belongs to the bundle's public key.
 * The purpose in the AAD stops the server swapping the two blobs.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { KeyBundleInput } from '../contract.js';
import { ALG_AES_256_GCM, openWithHeader, sealWithHeader } from './aes-gcm.js';
import { fromBase64, toBase64 } from './base64.js';
import { bytesEqual, randomBytes } from './bytes.js';
import { DecryptionError, InvalidInputError } from './errors.js';

export const X25519_KEY_BYTES = 32;
export const MLKEM768_PUBLIC_KEY_BYTES = 1184;
export const MLKEM768_SEED_BYTES = 64;
export const MLKEM768_CIPHERTEXT_BYTES = 1088;

export const PRIVATE_KEY_BLOB_VERSION = 0x01;
const PRIVATE_KEY_PREFIX_BYTES = 2;

export type PrivateKeyKind = 'classical' | 'pq';

const PRIVATE_KEY_PURPOSE: Record<PrivateKeyKind, string> = {
  classical: 'mindvault/v1/private-key/x25519',
  pq: 'mindvault/v1/private-key/ml-kem-768',
};

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

export async function sealPrivateKey(kind: PrivateKeyKind, secret: Uint8Array, keyEncryptionKey: Uint8Array): Promise<Uint8Array> {
  if (secret.length !== PRIVATE_KEY_PLAINTEXT_BYTES[kind]) throw new InvalidInputError(`${kind} private key has the wrong length`);
  const prefix = Uint8Array.of(PRIVATE_KEY_BLOB_VERSION, ALG_AES_256_GCM);
  return sealWithHeader(keyEncryptionKey, prefix, PRIVATE_KEY_PURPOSE[kind], secret);
}

export async function openPrivateKey(kind: PrivateKeyKind, blob: Uint8Array, keyEncryptionKey: Uint8Array): Promise<Uint8Array> {
  const what = `${kind} private key`;
  if (blob.length < PRIVATE_KEY_PREFIX_BYTES) throw new DecryptionError('malformed', `${what}: too short`);
  if (blob[0] !== PRIVATE_KEY_BLOB_VERSION) throw new DecryptionError('unsupported-format', `${what}: unknown version ${blob[0]}`);
  if (blob[1] !== ALG_AES_256_GCM) throw new DecryptionError('unsupported-format', `${what}: unknown algorithm ${blob[1]}`);
  const secret = await openWithHeader(keyEncryptionKey, blob, PRIVATE_KEY_PREFIX_BYTES, PRIVATE_KEY_PURPOSE[kind], what);
  if (secret.length !== PRIVATE_KEY_PLAINTEXT_BYTES[kind]) throw new DecryptionError('malformed', `${what}: wrong length`);
  return secret;
}

export async function sealPrivateKeys(
  keys: AccountKeyPairs,
  keyEncryptionKey: Uint8Array,
): Promise<Pick<KeyBundleInput, 'classicalPrivEncrypted' | 'pqPrivEncrypted'>> {
  return {
    classicalPrivEncrypted: toBase64(await sealPrivateKey('classical', keys.classical.secretKey, keyEncryptionKey)),
    pqPrivEncrypted: toBase64(await sealPrivateKey('pq', keys.pq.seed, keyEncryptionKey)),
  };
}

/** The contract's KeyBundleInput for these key pairs, private halves sealed under the KEK. */
export async function buildKeyBundle(keys: AccountKeyPairs, keyEncryptionKey: Uint8Array): Promise<KeyBundleInput> {
  return {
    classicalPublicKey: toBase64(keys.classical.publicKey),
    pqPublicKey: toBase64(keys.pq.publicKey),
    ...(await sealPrivateKeys(keys, keyEncryptionKey)),
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

/**
 * Opens a key bundle (from GET /api/auth/keys) with the password-derived key-encryption key.
 * A wrong password surfaces as DecryptionError('authentication-failed'). The private keys are then
 * checked against the bundle's public keys, so a server that pairs our private keys with public
 * keys of its choosing is caught ('key-mismatch') instead of silently encrypting to the wrong key.
 */
export async function unlockKeyBundle(bundle: KeyBundleInput, keyEncryptionKey: Uint8Array): Promise<AccountKeyPairs> {
  const classicalPublic = decodeField(bundle.classicalPublicKey, 'classicalPublicKey', X25519_KEY_BYTES);
  const pqPublic = decodeField(bundle.pqPublicKey, 'pqPublicKey', MLKEM768_PUBLIC_KEY_BYTES);
  const classicalSecret = await openPrivateKey(
    'classical',
    decodeField(bundle.classicalPrivEncrypted, 'classicalPrivEncrypted'),
    keyEncryptionKey,
  );
  const pqSeed = await openPrivateKey('pq', decodeField(bundle.pqPrivEncrypted, 'pqPrivEncrypted'), keyEncryptionKey);
  const keys = keyPairsFromSecrets(classicalSecret, pqSeed);
  if (!bytesEqual(keys.classical.publicKey, classicalPublic) || !bytesEqual(keys.pq.publicKey, pqPublic)) {
    throw new DecryptionError('key-mismatch', 'key bundle: private keys do not match the public keys');
  }
  return keys;
}
