/**
 * Map content and titles, encrypted under the map's DEK.
 *
 * Content blob, version 1 (the raw body of PUT /api/mindmaps/:id/blob):
 *
 *   offset 0   magic     "MVB" (0x4d 0x56 0x42)
 *   offset 3   version   0x01
 *   offset 4   algorithm 0x01 = AES-256-GCM
 *   offset 5   nonce     12 random bytes
 *   offset 17  ciphertext || 16-byte tag
 *   AAD = bytes 0..16 || UTF-8(purpose)
 *
 * Purposes: "mindvault/v1/content/document" for the map body (UTF-8 JSON of a MindMapDocument),
 * "mindvault/v1/content/title" for encryptedTitle (same layout, base64). Distinct purposes stop a
 * title ciphertext being served as content or the reverse; distinct DEKs per map stop cross-map swaps.
 */
import { type MindMapDocument, parseDocument } from '../model/mind-map-document.js';
import { ALG_AES_256_GCM, openWithHeader, sealWithHeader } from './aes-gcm.js';
import { fromBase64, toBase64 } from './base64.js';
import { fromUtf8, utf8 } from './bytes.js';
import { DecryptionError, DocumentFormatError, InvalidInputError } from './errors.js';

export const CONTENT_MAGIC = Uint8Array.of(0x4d, 0x56, 0x42);
export const CONTENT_FORMAT_VERSION = 0x01;
export const DOCUMENT_PURPOSE = 'mindvault/v1/content/document';
export const TITLE_PURPOSE = 'mindvault/v1/content/title';
const CONTENT_PREFIX_BYTES = CONTENT_MAGIC.length + 2;

const CONTENT_PREFIX = Uint8Array.of(...CONTENT_MAGIC, CONTENT_FORMAT_VERSION, ALG_AES_256_GCM);

export async function encryptBytes(plaintext: Uint8Array, dek: Uint8Array, purpose: string): Promise<Uint8Array> {
  return sealWithHeader(dek, CONTENT_PREFIX, purpose, plaintext);
}

export async function decryptBytes(blob: Uint8Array, dek: Uint8Array, purpose: string, what: string): Promise<Uint8Array> {
  if (!(blob instanceof Uint8Array)) throw new DecryptionError('malformed', `${what}: expected bytes`);
  if (blob.length < CONTENT_PREFIX_BYTES || CONTENT_MAGIC.some((b, i) => blob[i] !== b)) {
    throw new DecryptionError('malformed', `${what}: not a Mindvault blob (bad magic)`);
  }
  if (blob[3] !== CONTENT_FORMAT_VERSION) throw new DecryptionError('unsupported-format', `${what}: unknown version ${blob[3]}`);
  if (blob[4] !== ALG_AES_256_GCM) throw new DecryptionError('unsupported-format', `${what}: unknown algorithm ${blob[4]}`);
  return openWithHeader(dek, blob, CONTENT_PREFIX_BYTES, purpose, what);
}

/** Serialises and encrypts a document; the result is the upload body. */
export async function encryptDocument(doc: MindMapDocument, dek: Uint8Array): Promise<Uint8Array> {
  // Validate on the way in too, so this client never uploads a document others cannot read.
  const clean = parseDocument(doc);
  return encryptBytes(utf8(JSON.stringify(clean)), dek, DOCUMENT_PURPOSE);
}

/**
 * Decrypts and validates a downloaded blob. Tampering throws DecryptionError; an authentic blob
 * whose JSON is not a valid document (a buggy writer) throws DocumentFormatError.
 */
export async function decryptDocument(blob: Uint8Array, dek: Uint8Array): Promise<MindMapDocument> {
  const plaintext = await decryptBytes(blob, dek, DOCUMENT_PURPOSE, 'document');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(plaintext));
  } catch (cause) {
    throw new DocumentFormatError('document: plaintext is not UTF-8 JSON', { cause });
  }
  return parseDocument(parsed);
}

/** The contract's encryptedTitle (base64). */
export async function encryptTitle(title: string, dek: Uint8Array): Promise<string> {
  if (typeof title !== 'string') throw new InvalidInputError('title must be a string');
  return toBase64(await encryptBytes(utf8(title), dek, TITLE_PURPOSE));
}

export async function decryptTitle(encryptedTitle: string, dek: Uint8Array): Promise<string> {
  let blob: Uint8Array;
  try {
    blob = fromBase64(encryptedTitle, 'encryptedTitle');
  } catch (cause) {
    throw new DecryptionError('malformed', 'title: not valid base64', { cause });
  }
  const plaintext = await decryptBytes(blob, dek, TITLE_PURPOSE, 'title');
  try {
    return fromUtf8(plaintext);
  } catch (cause) {
    throw new DocumentFormatError('title: plaintext is not UTF-8', { cause });
  }
}
