/**
 * Drafts kept on this device (docs/crypto.md §6.3): edits no server version holds yet (made while
 * the network was gone, or not saved before a reload), sealed before they touch the browser's
 * storage. The key comes from the account's key-encryption key, which the password derives on
 * this device and no server ever sees, so a draft opens after a reload once the password unlocks
 * the account, with or without the network:
 *
 *   "MVD" | 0x01 | 0x01 | nonce (12) | ciphertext | tag (16)
 *   draftKey  = HKDF-SHA-256(ikm = keyEncryptionKey, salt = none, info = ctx("mindvault/v2/draft-key", userId), 32)
 *   AAD       = bytes 0..17 || ctx("mindvault/v2/device-draft", userId, mapId)
 *   plaintext = UTF-8 JSON of the draft
 *
 * A draft moved to another map or account fails the tag. A password change derives a new key:
 * drafts sealed before it no longer open (the editor seals its draft again on the next edit).
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ALG_AES_256_GCM, openWithHeader, sealWithHeader } from './aes-gcm.js';
import { fromUtf8, utf8 } from './bytes.js';
import { ctx, uuidBytes } from './context.js';
import { DecryptionError, DocumentFormatError } from './errors.js';

export const DRAFT_KEY_LABEL = 'mindvault/v2/draft-key';
export const DRAFT_PURPOSE = 'mindvault/v2/device-draft';
const DRAFT_MAGIC = [0x4d, 0x56, 0x44] as const; // "MVD"
const DRAFT_FORMAT_VERSION = 0x01;
const PREFIX = Uint8Array.of(...DRAFT_MAGIC, DRAFT_FORMAT_VERSION, ALG_AES_256_GCM);

export interface DraftContext {
  userId: string;
  mapId: string;
}

export function deriveDraftKey(keyEncryptionKey: Uint8Array, userId: string): Uint8Array {
  return hkdf(sha256, keyEncryptionKey, undefined, ctx(DRAFT_KEY_LABEL, uuidBytes(userId, 'userId')), 32);
}

function draftContext(c: DraftContext): Uint8Array {
  return ctx(DRAFT_PURPOSE, uuidBytes(c.userId, 'userId'), uuidBytes(c.mapId, 'mapId'));
}

/** Seals any JSON value as the draft of `mapId`. */
export async function sealDraftBytes(value: unknown, input: DraftContext & { draftKey: Uint8Array }): Promise<Uint8Array<ArrayBuffer>> {
  return sealWithHeader(input.draftKey, PREFIX, draftContext(input), utf8(JSON.stringify(value)));
}

/** Opens a draft of `mapId`: DecryptionError when it is not one (another map, account or key). */
export async function openDraftBytes(blob: Uint8Array, input: DraftContext & { draftKey: Uint8Array }): Promise<unknown> {
  if (blob.length < PREFIX.length || PREFIX.some((b, i) => blob[i] !== b)) throw new DecryptionError('unsupported-format', 'draft: unknown header');
  const plaintext = await openWithHeader(input.draftKey, blob, PREFIX.length, draftContext(input), 'draft');
  try {
    return JSON.parse(fromUtf8(plaintext)) as unknown;
  } catch (cause) {
    throw new DocumentFormatError('draft: plaintext is not JSON', { cause });
  }
}
