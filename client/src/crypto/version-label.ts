/**
 * Version names (docs/crypto.md §7a), encrypted under a key derived from the DEK the version's
 * content opens with, and bound to the owner, the map and the version:
 *
 *   "MVB" | 0x02 | 0x01 | nonce (12) | ciphertext | tag (16)
 *   labelKey  = HKDF-SHA-256(ikm = DEK, salt = none, info = ctx("mindvault/v2/label-key", mapId), 32)
 *   AAD       = bytes 0..16 || ctx("mindvault/v2/content/version-label", userId, mapId, versionId)
 *   plaintext = UTF-8 name, 1..256 bytes
 *
 * The server learns that a version is named and how long the name is; a name it moves to another
 * version, map or user fails the tag.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ALG_AES_256_GCM, openWithHeader, sealWithHeader } from './aes-gcm.js';
import { fromBase64, toBase64 } from './base64.js';
import { fromUtf8, utf8 } from './bytes.js';
import { CONTENT_FORMAT_VERSION, CONTENT_MAGIC, type MapContext } from './content-cipher.js';
import { ctx, uuidBytes } from './context.js';
import { DecryptionError, DocumentFormatError, InvalidInputError } from './errors.js';

export const LABEL_KEY_LABEL = 'mindvault/v2/label-key';
export const LABEL_PURPOSE = 'mindvault/v2/content/version-label';
export const LABEL_MAX_BYTES = 256;
const PREFIX = Uint8Array.of(...CONTENT_MAGIC, CONTENT_FORMAT_VERSION, ALG_AES_256_GCM);

/** Whose version a name belongs to. */
export interface VersionContext extends MapContext {
  versionId: string;
}

export function deriveLabelKey(dek: Uint8Array, mapId: string): Uint8Array {
  return hkdf(sha256, dek, undefined, ctx(LABEL_KEY_LABEL, uuidBytes(mapId, 'mapId')), 32);
}

function labelContext(c: VersionContext): Uint8Array {
  return ctx(LABEL_PURPOSE, uuidBytes(c.userId, 'userId'), uuidBytes(c.mapId, 'mapId'), uuidBytes(c.versionId, 'versionId'));
}

/** The contract's encryptedLabel (base64). `dek`: the DEK of the envelope recorded with the version. */
export async function encryptVersionLabel(label: string, input: VersionContext & { dek: Uint8Array }): Promise<string> {
  if (typeof label !== 'string') throw new InvalidInputError('a version name must be a string');
  const bytes = utf8(label.normalize('NFC'));
  if (bytes.length < 1 || bytes.length > LABEL_MAX_BYTES) throw new InvalidInputError(`a version name is 1..${LABEL_MAX_BYTES} UTF-8 bytes`);
  return toBase64(await sealWithHeader(deriveLabelKey(input.dek, input.mapId), PREFIX, labelContext(input), bytes));
}

export async function decryptVersionLabel(encryptedLabel: string, input: VersionContext & { dek: Uint8Array }): Promise<string> {
  let blob: Uint8Array;
  try {
    blob = fromBase64(encryptedLabel, 'encryptedLabel');
  } catch (cause) {
    throw new DecryptionError('malformed', 'version name: not valid base64', { cause });
  }
  if (blob.length < PREFIX.length || PREFIX.some((b, i) => blob[i] !== b)) {
    throw new DecryptionError('unsupported-format', 'version name: unknown header');
  }
  const plaintext = await openWithHeader(deriveLabelKey(input.dek, input.mapId), blob, PREFIX.length, labelContext(input), 'version name');
  try {
    return fromUtf8(plaintext);
  } catch (cause) {
    throw new DocumentFormatError('version name: plaintext is not UTF-8', { cause });
  }
}
