/**
 * Wrapping a map's data key (DEK) for a key pair: X25519 + ML-KEM-768 hybrid, so the DEK stays
 * safe while either of the two problems stays hard.
 *
 *   ephemeral X25519 pair (e, E);  ssX = X25519(e, recipientX25519Public)
 *   (ct, ssPq) = ML-KEM-768.Encaps(recipientMlKemPublic)
 *   kek = HKDF-SHA-256(ikm  = ssPq || ssX,
 *                      salt = none,
 *                      info = UTF-8("mindvault/v1/hybrid-kem/x25519-mlkem768") || E (32) || SHA-256(ct) (32)
 *                             || recipientX25519Public (32) || SHA-256(recipientMlKemPublic) (32),
 *                      L = 32)
 *   wrappedDek = nonce (12) || AES-256-GCM(kek, nonce, DEK, aad = UTF-8("mindvault/v1/envelope/dek")) — 60 bytes
 *
 * Envelope = { ephClassicalPublic: E, ephPqCiphertext: ct, wrappedDek } in base64. Binding the
 * transcript into the info (as X-Wing does) means any change to any envelope field, or unwrapping
 * with another recipient's keys, yields a different kek and the GCM tag fails.
 *
 * NOTE: the two large components enter the info as SHA-256 digests (167-byte info in all) because
 * OpenSSL's HKDF — behind Node's hkdfSync and many other stacks — refuses info over 1024 bytes;
 * raw they would be 2375. A collision-resistant digest binds them just the same.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { Envelope, KeyBundleInput } from '../contract.js';
import { aesGcmDecrypt, aesGcmEncrypt, AES_KEY_BYTES, GCM_NONCE_BYTES, GCM_TAG_BYTES } from './aes-gcm.js';
import { fromBase64, toBase64 } from './base64.js';
import { concatBytes, randomBytes, utf8, wipe } from './bytes.js';
import { DecryptionError, InvalidInputError } from './errors.js';
import {
  type AccountKeyPairs,
  MLKEM768_CIPHERTEXT_BYTES,
  MLKEM768_PUBLIC_KEY_BYTES,
  X25519_KEY_BYTES,
} from './key-bundle.js';

export const HYBRID_COMBINER_INFO = 'mindvault/v1/hybrid-kem/x25519-mlkem768';
export const ENVELOPE_DEK_AAD = 'mindvault/v1/envelope/dek';
export const DEK_BYTES = AES_KEY_BYTES;
export const WRAPPED_DEK_BYTES = GCM_NONCE_BYTES + DEK_BYTES + GCM_TAG_BYTES;

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
export function combineSharedSecrets(input: CombinerInput): Uint8Array {
  // Every info component has a fixed length, so plain concatenation is unambiguous.
  const info = concatBytes(
    utf8(HYBRID_COMBINER_INFO),
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

function decodeRecipient(recipient: RecipientPublicKeys): { classical: Uint8Array; pq: Uint8Array } {
  const decode = (value: string, what: string, length: number): Uint8Array => {
    const bytes = fromBase64(value, what);
    if (bytes.length !== length) throw new InvalidInputError(`${what}: expected ${length} bytes, got ${bytes.length}`);
    return bytes;
  };
  return {
    classical: decode(recipient.classicalPublicKey, 'classicalPublicKey', X25519_KEY_BYTES),
    pq: decode(recipient.pqPublicKey, 'pqPublicKey', MLKEM768_PUBLIC_KEY_BYTES),
  };
}

/** Wraps `dek` for the holder of `recipient`'s private keys. Fresh randomness every call. */
export async function wrapDek(dek: Uint8Array, recipient: RecipientPublicKeys): Promise<Envelope> {
  if (dek.length !== DEK_BYTES) throw new InvalidInputError(`DEK must be ${DEK_BYTES} bytes`);
  const pub = decodeRecipient(recipient);
  const eph = x25519.keygen();
  let classicalSharedSecret: Uint8Array;
  let pq: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    classicalSharedSecret = x25519.getSharedSecret(eph.secretKey, pub.classical);
    pq = ml_kem768.encapsulate(pub.pq);
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
    recipientClassicalPublic: pub.classical,
    recipientPqPublic: pub.pq,
  });
  wipe(classicalSharedSecret, pq.sharedSecret);
  try {
    const nonce = randomBytes(GCM_NONCE_BYTES);
    const sealed = await aesGcmEncrypt(kek, nonce, dek, utf8(ENVELOPE_DEK_AAD));
    return {
      ephClassicalPublic: toBase64(eph.publicKey),
      ephPqCiphertext: toBase64(pq.cipherText),
      wrappedDek: toBase64(concatBytes(nonce, sealed)),
    };
  } finally {
    wipe(kek);
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
    // NOTE: the contract allows WRAPPED_DEK_MIN_BYTES..WRAPPED_DEK_MAX_BYTES (room for other formats); this version only writes and reads 60.
    wrappedDek: decodeEnvelopeField(envelope.wrappedDek, 'wrappedDek', WRAPPED_DEK_BYTES),
  };
}

/** Recovers the DEK from an envelope made by wrapDek for these key pairs. */
export async function unwrapDek(envelope: Envelope, keys: AccountKeyPairs): Promise<Uint8Array> {
  const env = decodeEnvelope(envelope);
  let classicalSharedSecret: Uint8Array;
  try {
    classicalSharedSecret = x25519.getSharedSecret(keys.classical.secretKey, env.ephClassicalPublic);
  } catch (cause) {
    throw new DecryptionError('authentication-failed', 'envelope: ephemeral public key rejected', { cause });
  }
  // ML-KEM decapsulation never fails on a well-sized ciphertext: a tampered one yields an
  // unrelated secret (implicit rejection), which the GCM tag below then refuses.
  const pqSharedSecret = ml_kem768.decapsulate(env.ephPqCiphertext, keys.pq.secretKey);
  const kek = combineSharedSecrets({
    pqSharedSecret,
    classicalSharedSecret,
    ephClassicalPublic: env.ephClassicalPublic,
    pqCiphertext: env.ephPqCiphertext,
    recipientClassicalPublic: keys.classical.publicKey,
    recipientPqPublic: keys.pq.publicKey,
  });
  wipe(classicalSharedSecret, pqSharedSecret);
  try {
    const nonce = env.wrappedDek.subarray(0, GCM_NONCE_BYTES);
    return await aesGcmDecrypt(kek, nonce, env.wrappedDek.subarray(GCM_NONCE_BYTES), utf8(ENVELOPE_DEK_AAD), 'envelope');
  } finally {
    wipe(kek);
  }
}
