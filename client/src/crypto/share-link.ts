/**
 * Link shares: a map's key (or one version's keys) wrapped under a random key that lives only in
 * the URL fragment, which browsers never send to the server.
 *
 *   linkKey   = 32 random bytes;  URL = <origin>/s/<token>#<base64url(linkKey), no padding: 43 chars>
 *   shareKek  = HKDF-SHA-256(ikm = linkKey, salt = none, info = "mindvault/v2/share-link/kek", 32)
 *   envelope  = { ephClassicalPublic: 32 zero bytes,
 *                 ephPqCiphertext:    1088 zero bytes,
 *                 wrappedDek:         0x02 || nonce (12) || AES-256-GCM(shareKek, nonce, payload,
 *                                       aad = 0x02 || ctx("mindvault/v2/envelope/share")) }
 *   payload, map link (follows the head):  0x01 || ownerId (16) || mapId (16) || u32 epoch || DEK (32)
 *                                          → wrappedDek 98 bytes
 *   payload, version link (one version):   0x02 || ownerId (16) || mapId (16) || u64 seq
 *                                          || contentKey (32) || titleKey (32)   → wrappedDek 134 bytes
 *
 * A version link carries that version's own content key (content-cipher.ts) and the title key,
 * never the DEK, so it opens that version and nothing else; the reader also checks that the blob
 * it is served has the pinned seq. The payload names owner and map, so the reader can check the
 * blob's and title's AAD. Only the link holder (and the owner) can make such an envelope.
 *
 * The contract gives a share envelope the same three fields as an owner envelope; a link share
 * has no ephemeral key or KEM ciphertext, so those are zero-filled placeholders of the right
 * lengths, and a reader refuses any other value.
 *
 * v1 (read only, links made before v2): wrappedDek = nonce (12) || AES-256-GCM(HKDF(linkKey,
 * info = "mindvault/v1/share-link/kek"), nonce, DEK, aad = "mindvault/v1/envelope/share-link"), 60 bytes.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Envelope } from '../contract.js';
import { aesGcmDecrypt, aesGcmEncrypt, GCM_NONCE_BYTES } from './aes-gcm.js';
import { fromBase64Url, toBase64, toBase64Url } from './base64.js';
import { concatBytes, randomBytes, utf8, wipe } from './bytes.js';
import { ctx, readU32, readU64, u32, u64, uuidBytes, uuidFromBytes } from './context.js';
import { DecryptionError, InvalidInputError } from './errors.js';
import { decodeEnvelope, DEK_BYTES, LEGACY_WRAPPED_DEK_BYTES } from './hybrid-kem.js';
import { MLKEM768_CIPHERTEXT_BYTES, X25519_KEY_BYTES } from './key-bundle.js';

export const LINK_KEY_BYTES = 32;
export const SHARE_KEK_INFO = 'mindvault/v2/share-link/kek';
export const SHARE_ENVELOPE_LABEL = 'mindvault/v2/envelope/share';
const LEGACY_SHARE_KEK_INFO = 'mindvault/v1/share-link/kek';
const LEGACY_SHARE_ENVELOPE_AAD = 'mindvault/v1/envelope/share-link';
const SHARE_ENVELOPE_VERSION = 0x02;
const KIND_MAP = 0x01;
const KIND_VERSION = 0x02;

const ZERO_EPH_CLASSICAL = toBase64(new Uint8Array(X25519_KEY_BYTES));
const ZERO_EPH_PQ = toBase64(new Uint8Array(MLKEM768_CIPHERTEXT_BYTES));

/** What a link opens: the whole map (its DEK at one epoch), or one version. */
export type ShareKeys =
  | { kind: 'map'; userId: string; mapId: string; epoch: number; dek: Uint8Array }
  | { kind: 'version'; userId: string; mapId: string; seq: number; contentKey: Uint8Array; titleKey: Uint8Array }
  | { kind: 'legacy'; dek: Uint8Array };

export interface LinkShare {
  /** Goes only into the URL fragment; never send it to the server. */
  linkKey: Uint8Array;
  /** Body field `envelope` of POST /api/mindmaps/:id/shares. */
  envelope: Envelope;
}

export function deriveShareKek(linkKey: Uint8Array, format: 'v1' | 'v2' = 'v2'): Uint8Array {
  if (linkKey.length !== LINK_KEY_BYTES) throw new InvalidInputError(`link key must be ${LINK_KEY_BYTES} bytes`);
  return hkdf(sha256, linkKey, undefined, utf8(format === 'v2' ? SHARE_KEK_INFO : LEGACY_SHARE_KEK_INFO), 32);
}

function shareAad(): Uint8Array {
  return concatBytes(Uint8Array.of(SHARE_ENVELOPE_VERSION), ctx(SHARE_ENVELOPE_LABEL));
}

function encodePayload(keys: Exclude<ShareKeys, { kind: 'legacy' }>): Uint8Array {
  const who = concatBytes(uuidBytes(keys.userId, 'userId'), uuidBytes(keys.mapId, 'mapId'));
  if (keys.kind === 'map') {
    if (keys.dek.length !== DEK_BYTES) throw new InvalidInputError(`DEK must be ${DEK_BYTES} bytes`);
    return concatBytes(Uint8Array.of(KIND_MAP), who, u32(keys.epoch), keys.dek);
  }
  if (keys.contentKey.length !== 32 || keys.titleKey.length !== 32) throw new InvalidInputError('version keys must be 32 bytes');
  return concatBytes(Uint8Array.of(KIND_VERSION), who, u64(keys.seq), keys.contentKey, keys.titleKey);
}

function decodePayload(payload: Uint8Array): ShareKeys {
  const userId = uuidFromBytes(payload.subarray(1, 17));
  const mapId = uuidFromBytes(payload.subarray(17, 33));
  if (payload[0] === KIND_MAP && payload.length === 33 + 4 + DEK_BYTES) {
    return { kind: 'map', userId, mapId, epoch: readU32(payload, 33), dek: payload.slice(37) };
  }
  if (payload[0] === KIND_VERSION && payload.length === 33 + 8 + 64) {
    const seq = readU64(payload, 33);
    if (seq === undefined || seq < 1) throw new DecryptionError('malformed', 'share envelope: bad seq');
    return { kind: 'version', userId, mapId, seq, contentKey: payload.slice(41, 73), titleKey: payload.slice(73, 105) };
  }
  throw new DecryptionError('malformed', 'share envelope: unknown payload');
}

/** A fresh link key and the share envelope wrapping `keys` under it. */
export async function createLinkShare(keys: Exclude<ShareKeys, { kind: 'legacy' }>): Promise<LinkShare> {
  const payload = encodePayload(keys);
  const linkKey = randomBytes(LINK_KEY_BYTES);
  const kek = deriveShareKek(linkKey);
  try {
    const nonce = randomBytes(GCM_NONCE_BYTES);
    const sealed = await aesGcmEncrypt(kek, nonce, payload, shareAad());
    return {
      linkKey,
      envelope: {
        ephClassicalPublic: ZERO_EPH_CLASSICAL,
        ephPqCiphertext: ZERO_EPH_PQ,
        wrappedDek: toBase64(concatBytes(Uint8Array.of(SHARE_ENVELOPE_VERSION), nonce, sealed)),
      },
    };
  } finally {
    wipe(kek, payload);
  }
}

/** Recovers what a share envelope (GET /api/public/shares/:token) wraps, with the link key. */
export async function openLinkShare(envelope: Envelope, linkKey: Uint8Array): Promise<ShareKeys> {
  const env = decodeEnvelope(envelope);
  if (env.ephClassicalPublic.some((b) => b !== 0) || env.ephPqCiphertext.some((b) => b !== 0)) {
    throw new DecryptionError('malformed', 'share envelope: placeholder fields must be all zero');
  }
  const w = env.wrappedDek;
  if (w.length === LEGACY_WRAPPED_DEK_BYTES) {
    const kek = deriveShareKek(linkKey, 'v1');
    try {
      const dek = await aesGcmDecrypt(kek, w.subarray(0, GCM_NONCE_BYTES), w.subarray(GCM_NONCE_BYTES), utf8(LEGACY_SHARE_ENVELOPE_AAD), 'share envelope');
      return { kind: 'legacy', dek };
    } finally {
      wipe(kek);
    }
  }
  if (w[0] !== SHARE_ENVELOPE_VERSION) throw new DecryptionError('unsupported-format', `share envelope: unknown version ${w[0]}`);
  const kek = deriveShareKek(linkKey);
  try {
    const payload = await aesGcmDecrypt(kek, w.subarray(1, 1 + GCM_NONCE_BYTES), w.subarray(1 + GCM_NONCE_BYTES), shareAad(), 'share envelope');
    return decodePayload(payload);
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
