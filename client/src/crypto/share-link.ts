/**
 * Link shares: the map's DEK wrapped under a random key that lives only in the URL fragment,
 * which browsers never send to the server.
 *
 *   linkKey   = 32 random bytes;  URL = <origin>/s/<token>#<base64url(linkKey), no padding: 43 chars>
 *   shareKek  = HKDF-SHA-256(ikm = linkKey, salt = none, info = "mindvault/v1/share-link/kek", 32)
 *   envelope  = { ephClassicalPublic: 32 zero bytes,
 *                 ephPqCiphertext:    1088 zero bytes,
 *                 wrappedDek:         nonce (12) || AES-256-GCM(shareKek, nonce, DEK,
 *                                       aad = UTF-8("mindvault/v1/envelope/share-link")) — 60 bytes }
 *
 * The contract gives a share envelope the same three fields as an owner envelope; a link share
 * has no ephemeral key or KEM ciphertext, so those are zero-filled placeholders of the right
 * lengths. Zeros (not random filler) keep them deterministic and checkable: a reader refuses any
 * other value. The distinct AAD stops a share wrapping being mistaken for a hybrid one.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Envelope } from '../contract.js';
import { aesGcmDecrypt, aesGcmEncrypt, GCM_NONCE_BYTES } from './aes-gcm.js';
import { fromBase64Url, toBase64, toBase64Url } from './base64.js';
import { concatBytes, randomBytes, utf8, wipe } from './bytes.js';
import { DecryptionError, InvalidInputError } from './errors.js';
import { decodeEnvelope, DEK_BYTES } from './hybrid-kem.js';
import { MLKEM768_CIPHERTEXT_BYTES, X25519_KEY_BYTES } from './key-bundle.js';

export const LINK_KEY_BYTES = 32;
export const SHARE_KEK_INFO = 'mindvault/v1/share-link/kek';
export const SHARE_ENVELOPE_AAD = 'mindvault/v1/envelope/share-link';

const ZERO_EPH_CLASSICAL = toBase64(new Uint8Array(X25519_KEY_BYTES));
const ZERO_EPH_PQ = toBase64(new Uint8Array(MLKEM768_CIPHERTEXT_BYTES));

export interface LinkShare {
  /** Goes only into the URL fragment; never send it to the server. */
  linkKey: Uint8Array;
  /** Body field `envelope` of POST /api/mindmaps/:id/shares. */
  envelope: Envelope;
}

export function deriveShareKek(linkKey: Uint8Array): Uint8Array {
  if (linkKey.length !== LINK_KEY_BYTES) throw new InvalidInputError(`link key must be ${LINK_KEY_BYTES} bytes`);
  return hkdf(sha256, linkKey, undefined, utf8(SHARE_KEK_INFO), 32);
}

/** A fresh link key and the share envelope wrapping `dek` under it. */
export async function createLinkShare(dek: Uint8Array): Promise<LinkShare> {
  if (dek.length !== DEK_BYTES) throw new InvalidInputError(`DEK must be ${DEK_BYTES} bytes`);
  const linkKey = randomBytes(LINK_KEY_BYTES);
  const kek = deriveShareKek(linkKey);
  try {
    const nonce = randomBytes(GCM_NONCE_BYTES);
    const sealed = await aesGcmEncrypt(kek, nonce, dek, utf8(SHARE_ENVELOPE_AAD));
    return {
      linkKey,
      envelope: { ephClassicalPublic: ZERO_EPH_CLASSICAL, ephPqCiphertext: ZERO_EPH_PQ, wrappedDek: toBase64(concatBytes(nonce, sealed)) },
    };
  } finally {
    wipe(kek);
  }
}

/** Recovers the DEK from a share envelope (GET /api/public/shares/:token) with the link key. */
export async function openLinkShare(envelope: Envelope, linkKey: Uint8Array): Promise<Uint8Array> {
  const env = decodeEnvelope(envelope);
  if (env.ephClassicalPublic.some((b) => b !== 0) || env.ephPqCiphertext.some((b) => b !== 0)) {
    throw new DecryptionError('malformed', 'share envelope: placeholder fields must be all zero');
  }
  const kek = deriveShareKek(linkKey);
  try {
    const nonce = env.wrappedDek.subarray(0, GCM_NONCE_BYTES);
    return await aesGcmDecrypt(kek, nonce, env.wrappedDek.subarray(GCM_NONCE_BYTES), utf8(SHARE_ENVELOPE_AAD), 'share envelope');
  } finally {
    wipe(kek);
  }
}

/** `https://host/s/<token>#<base64url link key>`; `baseUrl` may carry a path prefix. */
export function buildShareUrl(baseUrl: string, token: string, linkKey: Uint8Array): string {
  if (linkKey.length !== LINK_KEY_BYTES) throw new InvalidInputError(`link key must be ${LINK_KEY_BYTES} bytes`);
  if (typeof token !== 'string' || token.length === 0) throw new InvalidInputError('share token missing');
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/s/${encodeURIComponent(token)}`;
  url.search = '';
  url.hash = toBase64Url(linkKey);
  return url.toString();
}

/** Splits a share URL into the server token and the link key. */
export function parseShareUrl(shareUrl: string): { token: string; linkKey: Uint8Array } {
  let url: URL;
  try {
    url = new URL(shareUrl);
  } catch (cause) {
    throw new InvalidInputError('share link: not a URL', { cause });
  }
  const match = /\/s\/([^/]+)\/?$/.exec(url.pathname);
  if (match === null) throw new InvalidInputError('share link: path must end in /s/<token>');
  const fragment = url.hash.replace(/^#/, '');
  let linkKey: Uint8Array;
  try {
    linkKey = fromBase64Url(fragment, 'share link key');
  } catch (cause) {
    throw new InvalidInputError('share link: fragment is not a base64url key', { cause });
  }
  if (linkKey.length !== LINK_KEY_BYTES) throw new InvalidInputError('share link: key in the fragment has the wrong length');
  return { token: decodeURIComponent(match[1]!), linkKey };
}
