/**
 * Wrapping a map's data key (DEK) for the owner's key pairs: X25519 + ML-KEM-768 hybrid, so the
 * DEK stays safe while either of the two problems stays hard, and (v2) authenticated under the
 * account MAC key, so nobody without the owner's private keys can make an envelope this client uses.
 *
 *   ephemeral X25519 pair (e, E);  ssX = X25519(e, recipientX25519Public)
 *   (ct, ssPq) = ML-KEM-768.Encaps(recipientMlKemPublic)
 *   kek = HKDF-SHA-256(ikm  = ssPq || ssX,
 *                      salt = none,
 *                      info = UTF-8(label) || E (32) || SHA-256(ct) (32)
 *                             || recipientX25519Public (32) || SHA-256(recipientMlKemPublic) (32),
 *                      L = 32)
 *   label v2 = "mindvault/v2/hybrid-kem/x25519-mlkem768"   (v1: "mindvault/v1/hybrid-kem/x25519-mlkem768")
 *
 * wrappedDek, version 2 — 97 bytes:
 *   offset 0   version 0x02
 *   offset 1   epoch   u32 (the map's data-key generation, 1 and up: a revoked link moves it on)
 *   offset 5   nonce   12 random bytes
 *   offset 17  AES-256-GCM(kek, nonce, DEK, aad = C) — 32 bytes + 16-byte tag
 *   offset 65  mac     HMAC-SHA-256(accountMacKey, ctx("mindvault/v2/mac/owner-envelope", C, E, ct, bytes 0..64))
 *   C = ctx("mindvault/v2/envelope/owner", userId (16), mapId (16), u32 keyVersion, u32 epoch)
 *
 * The MAC is checked, in constant time, before anything is decapsulated: an envelope made by
 * anyone holding only public keys (a malicious server, a thief of an access token) fails it, and
 * one moved to another map, user or keyVersion fails it too because C differs. The map's envelope
 * and every version's envelope have this one shape (the server records the map's envelope with
 * each version it saves).
 *
 * wrappedDek, version 1 — 60 bytes, read only to upgrade: nonce (12) || AES-256-GCM(kek_v1, nonce,
 * DEK, aad = UTF-8("mindvault/v1/envelope/dek")); no MAC, no context.
 *
 * NOTE: the two large components enter the info as SHA-256 digests (167-byte info in all) because
 * OpenSSL's HKDF — behind Node's hkdfSync and many other stacks — refuses info over 1024 bytes;
 * raw they would be 2375. A collision-resistant digest binds them just the same.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { type Envelope, type KeyBundleInput, WRAPPED_DEK_MAX_BYTES, WRAPPED_DEK_MIN_BYTES } from '../contract.js';
import { aesGcmDecrypt, aesGcmEncrypt, AES_KEY_BYTES, GCM_NONCE_BYTES, GCM_TAG_BYTES } from './aes-gcm.js';
import { fromBase64, toBase64 } from './base64.js';
import { bytesEqual, concatBytes, randomBytes, utf8, wipe } from './bytes.js';
import { ctx, readU32, u32, uuidBytes } from './context.js';
import { DecryptionError, InvalidInputError } from './errors.js';
import {
  type AccountKeyPairs,
  deriveAccountMacKey,
  MLKEM768_CIPHERTEXT_BYTES,
  MLKEM768_PUBLIC_KEY_BYTES,
  X25519_KEY_BYTES,
} from './key-bundle.js';

export const HYBRID_COMBINER_INFO = 'mindvault/v2/hybrid-kem/x25519-mlkem768';
const LEGACY_COMBINER_INFO = 'mindvault/v1/hybrid-kem/x25519-mlkem768';
const LEGACY_ENVELOPE_DEK_AAD = 'mindvault/v1/envelope/dek';
export const OWNER_ENVELOPE_LABEL = 'mindvault/v2/envelope/owner';
export const OWNER_ENVELOPE_MAC_LABEL = 'mindvault/v2/mac/owner-envelope';
export const DEK_BYTES = AES_KEY_BYTES;
const ENVELOPE_VERSION = 0x02;
const MAC_BYTES = 32;
const SEALED_OFFSET = 1 + 4 + GCM_NONCE_BYTES;
/** Length of a v2 owner envelope's wrappedDek. */
export const WRAPPED_DEK_BYTES = SEALED_OFFSET + DEK_BYTES + GCM_TAG_BYTES + MAC_BYTES;
/** Length of a v1 wrappedDek (owner or link share). */
export const LEGACY_WRAPPED_DEK_BYTES = GCM_NONCE_BYTES + DEK_BYTES + GCM_TAG_BYTES;

/** Where an owner envelope belongs: bound into its MAC and AAD. */
export interface EnvelopeContext {
  userId: string;
  mapId: string;
  /** The account's keyVersion the envelope was made for. */
  keyVersion: number;
}

export type EnvelopeFormat = 'v1' | 'v2';

/** The public half of a key bundle: who an envelope is for. */
export type RecipientPublicKeys = Pick<KeyBundleInput, 'classicalPublicKey' | 'pqPublicKey'>;

/** A fresh random 256-bit data key for a new map. */
export function generateDek(): Uint8Array {
  return randomBytes(DEK_BYTES);
}

export function publicKeysOf(keys: AccountKeyPairs): RecipientPublicKeys {
  return { classicalPublicKey: toBase64(keys.classical.publicKey), pqPublicKey: toBase64(keys.pq.publicKey) };
}

export interface CombinerInput {
  pqSharedSecret: Uint8Array;
  classicalSharedSecret: Uint8Array;
  ephClassicalPublic: Uint8Array;
  pqCiphertext: Uint8Array;
  recipientClassicalPublic: Uint8Array;
  recipientPqPublic: Uint8Array;
}

/** The hybrid combiner; exported so its known-answer test pins the exact construction. */
export function combineSharedSecrets(input: CombinerInput, format: EnvelopeFormat = 'v2'): Uint8Array {
  // Every info component has a fixed length, so plain concatenation is unambiguous.
  const info = concatBytes(
    utf8(format === 'v2' ? HYBRID_COMBINER_INFO : LEGACY_COMBINER_INFO),
    input.ephClassicalPublic,
    sha256(input.pqCiphertext),
    input.recipientClassicalPublic,
    sha256(input.recipientPqPublic),
  );
  const ikm = concatBytes(input.pqSharedSecret, input.classicalSharedSecret);
  try {
    return hkdf(sha256, ikm, undefined, info, AES_KEY_BYTES);
  } finally {
    wipe(ikm);
  }
}

function ownerContext(context: EnvelopeContext, epoch: number): Uint8Array {
  return ctx(OWNER_ENVELOPE_LABEL, uuidBytes(context.userId, 'userId'), uuidBytes(context.mapId, 'mapId'), u32(context.keyVersion), u32(epoch));
}

function envelopeMac(macKey: Uint8Array, c: Uint8Array, eph: Uint8Array, ct: Uint8Array, head: Uint8Array): Uint8Array {
  return hmac(sha256, macKey, ctx(OWNER_ENVELOPE_MAC_LABEL, c, eph, ct, head));
}

/**
 * Wraps `dek` (generation `epoch`) for the account holding `keys`, bound to `context`. Fresh
 * randomness every call. Only the holder of the private keys can do this: the MAC key is theirs.
 */
export async function wrapOwnerDek(dek: Uint8Array, epoch: number, keys: AccountKeyPairs, context: EnvelopeContext): Promise<Envelope> {
  if (dek.length !== DEK_BYTES) throw new InvalidInputError(`DEK must be ${DEK_BYTES} bytes`);
  if (!Number.isInteger(epoch) || epoch < 1) throw new InvalidInputError('epoch must be a positive integer');
  const c = ownerContext(context, epoch);
  const eph = x25519.keygen();
  let classicalSharedSecret: Uint8Array;
  let pq: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    classicalSharedSecret = x25519.getSharedSecret(eph.secretKey, keys.classical.publicKey);
    pq = ml_kem768.encapsulate(keys.pq.publicKey);
  } catch (cause) {
    // noble refuses low-order X25519 points and ML-KEM keys that fail the FIPS 203 modulus check.
    throw new InvalidInputError('recipient public key rejected', { cause });
  } finally {
    wipe(eph.secretKey);
  }
  const kek = combineSharedSecrets({
    pqSharedSecret: pq.sharedSecret,
    classicalSharedSecret,
    ephClassicalPublic: eph.publicKey,
    pqCiphertext: pq.cipherText,
    recipientClassicalPublic: keys.classical.publicKey,
    recipientPqPublic: keys.pq.publicKey,
  });
  wipe(classicalSharedSecret, pq.sharedSecret);
  const macKey = deriveAccountMacKey(keys);
  try {
    const nonce = randomBytes(GCM_NONCE_BYTES);
    const sealed = await aesGcmEncrypt(kek, nonce, dek, c);
    const head = concatBytes(Uint8Array.of(ENVELOPE_VERSION), u32(epoch), nonce, sealed);
    const mac = envelopeMac(macKey, c, eph.publicKey, pq.cipherText, head);
    return {
      ephClassicalPublic: toBase64(eph.publicKey),
      ephPqCiphertext: toBase64(pq.cipherText),
      wrappedDek: toBase64(concatBytes(head, mac)),
    };
  } finally {
    wipe(kek, macKey);
  }
}

function decodeEnvelopeField(value: unknown, what: string, length: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(value as string, what);
  } catch (cause) {
    throw new DecryptionError('malformed', `envelope.${what}: not valid base64`, { cause });
  }
  if (bytes.length !== length) {
    throw new DecryptionError('malformed', `envelope.${what}: expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** Raw envelope bytes, length-checked. Shared with share-link.ts, which uses the same fields. */
export function decodeEnvelope(envelope: Envelope): { ephClassicalPublic: Uint8Array; ephPqCiphertext: Uint8Array; wrappedDek: Uint8Array } {
  if (envelope === null || typeof envelope !== 'object') throw new DecryptionError('malformed', 'envelope missing');
  return {
    ephClassicalPublic: decodeEnvelopeField(envelope.ephClassicalPublic, 'ephClassicalPublic', X25519_KEY_BYTES),
    ephPqCiphertext: decodeEnvelopeField(envelope.ephPqCiphertext, 'ephPqCiphertext', MLKEM768_CIPHERTEXT_BYTES),
    wrappedDek: decodeWrappedDek(envelope.wrappedDek),
  };
}

function decodeWrappedDek(value: unknown): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(value as string, 'wrappedDek');
  } catch (cause) {
    throw new DecryptionError('malformed', 'envelope.wrappedDek: not valid base64', { cause });
  }
  if (bytes.length < WRAPPED_DEK_MIN_BYTES || bytes.length > WRAPPED_DEK_MAX_BYTES) {
    throw new DecryptionError('malformed', `envelope.wrappedDek: ${bytes.length} bytes, outside ${WRAPPED_DEK_MIN_BYTES}..${WRAPPED_DEK_MAX_BYTES}`);
  }
  return bytes;
}

/** 'v1' for the legacy 60-byte unauthenticated wrapping, 'v2' for the authenticated one. */
export function envelopeFormat(envelope: Envelope): EnvelopeFormat {
  const { wrappedDek } = decodeEnvelope(envelope);
  if (wrappedDek.length === LEGACY_WRAPPED_DEK_BYTES) return 'v1';
  if (wrappedDek.length === WRAPPED_DEK_BYTES && wrappedDek[0] === ENVELOPE_VERSION) return 'v2';
  throw new DecryptionError('unsupported-format', `envelope: unknown wrappedDek format (${wrappedDek.length} bytes)`);
}

export interface UnwrappedDek {
  dek: Uint8Array;
  epoch: number;
  /** 'v1': unauthenticated legacy envelope (only while upgrading an old account). */
  format: EnvelopeFormat;
}

async function decapsulate(
  env: { ephClassicalPublic: Uint8Array; ephPqCiphertext: Uint8Array },
  keys: AccountKeyPairs,
  format: EnvelopeFormat,
): Promise<Uint8Array> {
  let classicalSharedSecret: Uint8Array;
  try {
    classicalSharedSecret = x25519.getSharedSecret(keys.classical.secretKey, env.ephClassicalPublic);
  } catch (cause) {
    throw new DecryptionError('authentication-failed', 'envelope: ephemeral public key rejected', { cause });
  }
  // ML-KEM decapsulation never fails on a well-sized ciphertext: a tampered one yields an
  // unrelated secret (implicit rejection), which the GCM tag then refuses.
  const pqSharedSecret = ml_kem768.decapsulate(env.ephPqCiphertext, keys.pq.secretKey);
  const kek = combineSharedSecrets(
    {
      pqSharedSecret,
      classicalSharedSecret,
      ephClassicalPublic: env.ephClassicalPublic,
      pqCiphertext: env.ephPqCiphertext,
      recipientClassicalPublic: keys.classical.publicKey,
      recipientPqPublic: keys.pq.publicKey,
    },
    format,
  );
  wipe(classicalSharedSecret, pqSharedSecret);
  return kek;
}

/**
 * Recovers the DEK from an owner envelope made by this account for `context`. A v2 envelope whose
 * MAC does not verify — planted by someone without the private keys, or moved from another map,
 * user or keyVersion — throws DecryptionError('not-authentic') before any decapsulation. A v1
 * envelope opens only with `allowLegacy` (the upgrade path), since nothing authenticates it.
 */
export async function unwrapOwnerDek(
  envelope: Envelope,
  keys: AccountKeyPairs,
  context: EnvelopeContext,
  options: { allowLegacy?: boolean } = {},
): Promise<UnwrappedDek> {
  const format = envelopeFormat(envelope);
  const env = decodeEnvelope(envelope);
  if (format === 'v1') {
    if (options.allowLegacy !== true) {
      throw new DecryptionError('not-authentic', 'envelope: a v1 envelope is not authenticated; this account uses v2');
    }
    const kek = await decapsulate(env, keys, 'v1');
    try {
      const w = env.wrappedDek;
      const dek = await aesGcmDecrypt(kek, w.subarray(0, GCM_NONCE_BYTES), w.subarray(GCM_NONCE_BYTES), utf8(LEGACY_ENVELOPE_DEK_AAD), 'envelope');
      return { dek, epoch: 1, format };
    } finally {
      wipe(kek);
    }
  }
  const w = env.wrappedDek;
  const epoch = readU32(w, 1);
  if (epoch < 1) throw new DecryptionError('malformed', 'envelope: epoch 0');
  const c = ownerContext(context, epoch);
  const head = w.subarray(0, WRAPPED_DEK_BYTES - MAC_BYTES);
  const macKey = deriveAccountMacKey(keys);
  let authentic: boolean;
  try {
    authentic = bytesEqual(envelopeMac(macKey, c, env.ephClassicalPublic, env.ephPqCiphertext, head), w.subarray(head.length));
  } finally {
    wipe(macKey);
  }
  if (!authentic) throw new DecryptionError('not-authentic', 'envelope: not made by this account for this map and keyVersion');
  const kek = await decapsulate(env, keys, 'v2');
  try {
    const dek = await aesGcmDecrypt(kek, w.subarray(5, SEALED_OFFSET), w.subarray(SEALED_OFFSET, head.length), c, 'envelope');
    return { dek, epoch, format };
  } finally {
    wipe(kek);
  }
}
