/**
 * AES-256-GCM through WebCrypto, and the one sealed-blob shape every format here shares:
 *
 *   prefix (format-specific header) || nonce (12) || ciphertext || tag (16)
 *   AAD = prefix || nonce || purpose
 *
 * The whole header is authenticated, and the purpose (v1: a UTF-8 label; v2: a ctx() encoding of
 * the label and the blob's context, see context.ts) keeps a blob sealed for one use or place from
 * opening as another under the same key.
 */
import { asBufferSource, concatBytes, randomBytes, utf8, webCrypto } from './bytes.js';
import { DecryptionError, InvalidInputError } from './errors.js';

/** Algorithm byte of every versioned header here. */
export const ALG_AES_256_GCM = 0x01;
export const AES_KEY_BYTES = 32;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;

// NOTE: no CryptoKey annotation: the server's tsconfig (no DOM lib) type-checks this file too, via the e2e tests.
async function importAesKey(key: Uint8Array, usage: 'encrypt' | 'decrypt') {
  if (key.length !== AES_KEY_BYTES) {
    throw new InvalidInputError(`AES-256 key must be ${AES_KEY_BYTES} bytes, got ${key.length}`);
  }
  return webCrypto().subtle.importKey('raw', asBufferSource(key), { name: 'AES-GCM' }, false, [usage]);
}

/** Returns ciphertext || tag. The caller owns nonce uniqueness (always fresh random here). */
export async function aesGcmEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await importAesKey(key, 'encrypt');
  const out = await webCrypto().subtle.encrypt(
    { name: 'AES-GCM', iv: asBufferSource(nonce), additionalData: asBufferSource(aad), tagLength: 128 },
    cryptoKey,
    asBufferSource(plaintext),
  );
  return new Uint8Array(out);
}

/** Throws DecryptionError('authentication-failed') when the tag does not verify. */
export async function aesGcmDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertextAndTag: Uint8Array,
  aad: Uint8Array,
  what: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await importAesKey(key, 'decrypt');
  try {
    const out = await webCrypto().subtle.decrypt(
      { name: 'AES-GCM', iv: asBufferSource(nonce), additionalData: asBufferSource(aad), tagLength: 128 },
      cryptoKey,
      asBufferSource(ciphertextAndTag),
    );
    return new Uint8Array(out);
  } catch (cause) {
    throw new DecryptionError('authentication-failed', `${what}: authentication failed (wrong key or tampered data)`, {
      cause,
    });
  }
}

export async function sealWithHeader(
  key: Uint8Array,
  prefix: Uint8Array,
  purpose: string | Uint8Array,
  plaintext: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const nonce = randomBytes(GCM_NONCE_BYTES);
  const header = concatBytes(prefix, nonce);
  const body = await aesGcmEncrypt(key, nonce, plaintext, concatBytes(header, purposeBytes(purpose)));
  return concatBytes(header, body);
}

/** The caller has already checked that `blob` starts with a prefix of `prefixLength` it supports. */
export async function openWithHeader(
  key: Uint8Array,
  blob: Uint8Array,
  prefixLength: number,
  purpose: string | Uint8Array,
  what: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const headerLength = prefixLength + GCM_NONCE_BYTES;
  if (blob.length < headerLength + GCM_TAG_BYTES) {
    throw new DecryptionError('malformed', `${what}: too short (${blob.length} bytes)`);
  }
  const header = blob.subarray(0, headerLength);
  const nonce = blob.subarray(prefixLength, headerLength);
  return aesGcmDecrypt(key, nonce, blob.subarray(headerLength), concatBytes(header, purposeBytes(purpose)), what);
}

function purposeBytes(purpose: string | Uint8Array): Uint8Array {
  return typeof purpose === 'string' ? utf8(purpose) : purpose;
}
