/**
 * Map content and titles, encrypted under keys derived from the map's DEK.
 *
 * Content blob, version 2 (the raw body of PUT /api/mindmaps/:id/blob):
 *
 *   offset 0   magic         "MVB" (0x4d 0x56 0x42)
 *   offset 3   version       0x02
 *   offset 4   algorithm     0x01 = AES-256-GCM
 *   offset 5   seq           u64: 1 for a map's first save, the previous head's seq + 1 after that
 *   offset 13  versionNonce  16 random bytes
 *   offset 29  nonce         12 random bytes
 *   offset 41  ciphertext || 16-byte tag
 *   contentKey = HKDF-SHA-256(ikm = DEK, salt = versionNonce, info = ctx("mindvault/v2/content-key", mapId, u64 seq), 32)
 *   AAD        = bytes 0..40 || ctx("mindvault/v2/content/document", userId, mapId)
 *   plaintext  = UTF-8 JSON of a MindMapDocument
 *
 * Every version has its own key, so a link pinned to one version carries that key alone. The AAD
 * binds the blob to its owner and map, and the authenticated seq orders a map's saves: a device
 * that has seen seq n refuses a head with a smaller one (rollback, see device-state.ts).
 *
 * Title, version 2 (encryptedTitle, base64):
 *
 *   "MVB" | 0x02 | 0x01 | nonce (12) | ciphertext | tag (16)
 *   titleKey  = HKDF-SHA-256(ikm = DEK, salt = none, info = ctx("mindvault/v2/title-key", mapId), 32)
 *   AAD       = bytes 0..16 || ctx("mindvault/v2/content/title", userId, mapId)
 *   plaintext = u64 revision || UTF-8 title   (revision: 1 at creation, +1 on each rename)
 *
 * Version 1 (read only: old blobs stay readable forever; nothing is written in it): the same
 * layout with version byte 0x01, no seq or versionNonce, the DEK itself as the key, and
 * AAD = bytes 0..16 || UTF-8 "mindvault/v1/content/document" or "mindvault/v1/content/title";
 * a v1 title's plaintext is the bare UTF-8 title. v1 counts as seq 0 and revision 0.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { type MindMapDocument, parseDocument } from '../model/mind-map-document.js';
import { ALG_AES_256_GCM, openWithHeader, sealWithHeader } from './aes-gcm.js';
import { fromBase64, toBase64 } from './base64.js';
import { concatBytes, fromUtf8, randomBytes, utf8 } from './bytes.js';
import { ctx, readU64, u64, uuidBytes } from './context.js';
import { DecryptionError, DocumentFormatError, InvalidInputError } from './errors.js';

export const CONTENT_MAGIC = Uint8Array.of(0x4d, 0x56, 0x42);
export const CONTENT_FORMAT_VERSION = 0x02;
const LEGACY_CONTENT_FORMAT_VERSION = 0x01;
export const DOCUMENT_PURPOSE = 'mindvault/v2/content/document';
export const TITLE_PURPOSE = 'mindvault/v2/content/title';
export const CONTENT_KEY_LABEL = 'mindvault/v2/content-key';
export const TITLE_KEY_LABEL = 'mindvault/v2/title-key';
const LEGACY_DOCUMENT_PURPOSE = 'mindvault/v1/content/document';
const LEGACY_TITLE_PURPOSE = 'mindvault/v1/content/title';
const BASE_PREFIX_BYTES = CONTENT_MAGIC.length + 2;
export const VERSION_NONCE_BYTES = 16;
const DOCUMENT_PREFIX_BYTES = BASE_PREFIX_BYTES + 8 + VERSION_NONCE_BYTES;

export type ContentFormat = 'v1' | 'v2';

/** Whose map a blob or title belongs to. */
export interface MapContext {
  userId: string;
  mapId: string;
}

/** A map's DEK, or (a version-pinned share link) just the keys of one version. */
export type ContentKeySource = { dek: Uint8Array } | { contentKey: Uint8Array };
export type TitleKeySource = { dek: Uint8Array } | { titleKey: Uint8Array };

export interface ContentHeader {
  format: ContentFormat;
  /** 0 for v1. */
  seq: number;
  /** Empty for v1. */
  versionNonce: Uint8Array;
}

export function deriveContentKey(dek: Uint8Array, mapId: string, seq: number, versionNonce: Uint8Array): Uint8Array {
  return hkdf(sha256, dek, versionNonce, ctx(CONTENT_KEY_LABEL, uuidBytes(mapId, 'mapId'), u64(seq)), 32);
}

export function deriveTitleKey(dek: Uint8Array, mapId: string): Uint8Array {
  return hkdf(sha256, dek, undefined, ctx(TITLE_KEY_LABEL, uuidBytes(mapId, 'mapId')), 32);
}

function purposeContext(purpose: string, context: MapContext): Uint8Array {
  return ctx(purpose, uuidBytes(context.userId, 'userId'), uuidBytes(context.mapId, 'mapId'));
}

function checkBaseHeader(blob: Uint8Array, what: string): ContentFormat {
  if (!(blob instanceof Uint8Array)) throw new DecryptionError('malformed', `${what}: expected bytes`);
  if (blob.length < BASE_PREFIX_BYTES || CONTENT_MAGIC.some((b, i) => blob[i] !== b)) {
    throw new DecryptionError('malformed', `${what}: not a Mindvault blob (bad magic)`);
  }
  if (blob[4] !== ALG_AES_256_GCM) throw new DecryptionError('unsupported-format', `${what}: unknown algorithm ${blob[4]}`);
  if (blob[3] === CONTENT_FORMAT_VERSION) return 'v2';
  if (blob[3] === LEGACY_CONTENT_FORMAT_VERSION) return 'v1';
  throw new DecryptionError('unsupported-format', `${what}: unknown version ${blob[3]}`);
}

/** The cleartext header of a content blob. Its seq is authenticated only once the blob decrypts. */
export function readContentHeader(blob: Uint8Array): ContentHeader {
  const format = checkBaseHeader(blob, 'document');
  if (format === 'v1') return { format, seq: 0, versionNonce: new Uint8Array(0) };
  if (blob.length < DOCUMENT_PREFIX_BYTES) throw new DecryptionError('malformed', 'document: too short');
  const seq = readU64(blob, BASE_PREFIX_BYTES);
  if (seq === undefined || seq < 1) throw new DecryptionError('malformed', 'document: seq out of range');
  return { format, seq, versionNonce: blob.slice(BASE_PREFIX_BYTES + 8, DOCUMENT_PREFIX_BYTES) };
}

export interface SealedDocument {
  blob: Uint8Array;
  /** The version's own key: what a link pinned to this version carries. */
  contentKey: Uint8Array;
}

/** Serialises and encrypts a document as save number `seq` of the map; the result is the upload body. */
export async function encryptDocument(
  doc: MindMapDocument,
  input: MapContext & { dek: Uint8Array; seq: number },
): Promise<SealedDocument> {
  if (!Number.isSafeInteger(input.seq) || input.seq < 1) throw new InvalidInputError('seq must be a positive integer');
  // Validate on the way in too, so this client never uploads a document others cannot read.
  const clean = parseDocument(doc);
  const versionNonce = randomBytes(VERSION_NONCE_BYTES);
  const contentKey = deriveContentKey(input.dek, input.mapId, input.seq, versionNonce);
  const prefix = concatBytes(CONTENT_MAGIC, Uint8Array.of(CONTENT_FORMAT_VERSION, ALG_AES_256_GCM), u64(input.seq), versionNonce);
  const blob = await sealWithHeader(contentKey, prefix, purposeContext(DOCUMENT_PURPOSE, input), utf8(JSON.stringify(clean)));
  return { blob, contentKey };
}

export interface OpenedDocument {
  document: MindMapDocument;
  seq: number;
  format: ContentFormat;
}

/**
 * Decrypts and validates a downloaded blob of `context`'s map. Tampering, another map's or
 * user's blob, or a wrong key throw DecryptionError; an authentic blob whose JSON is not a valid
 * document (a buggy writer) throws DocumentFormatError. A v1 blob needs the DEK itself.
 */
export async function decryptDocument(blob: Uint8Array, keys: MapContext & ContentKeySource): Promise<OpenedDocument> {
  const header = readContentHeader(blob);
  let plaintext: Uint8Array;
  if (header.format === 'v1') {
    if (!('dek' in keys)) throw new DecryptionError('unsupported-format', 'document: a v1 blob opens only with the map key');
    plaintext = await openWithHeader(keys.dek, blob, BASE_PREFIX_BYTES, LEGACY_DOCUMENT_PURPOSE, 'document');
  } else {
    const key = 'dek' in keys ? deriveContentKey(keys.dek, keys.mapId, header.seq, header.versionNonce) : keys.contentKey;
    plaintext = await openWithHeader(key, blob, DOCUMENT_PREFIX_BYTES, purposeContext(DOCUMENT_PURPOSE, keys), 'document');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(plaintext));
  } catch (cause) {
    throw new DocumentFormatError('document: plaintext is not UTF-8 JSON', { cause });
  }
  return { document: parseDocument(parsed), seq: header.seq, format: header.format };
}

/** The contract's encryptedTitle (base64), as rename number `revision` of the map's title. */
export async function encryptTitle(title: string, revision: number, input: MapContext & { dek: Uint8Array }): Promise<string> {
  if (typeof title !== 'string') throw new InvalidInputError('title must be a string');
  const prefix = Uint8Array.of(...CONTENT_MAGIC, CONTENT_FORMAT_VERSION, ALG_AES_256_GCM);
  const key = deriveTitleKey(input.dek, input.mapId);
  return toBase64(await sealWithHeader(key, prefix, purposeContext(TITLE_PURPOSE, input), concatBytes(u64(revision), utf8(title))));
}

export interface OpenedTitle {
  title: string;
  /** 0 for v1. */
  revision: number;
  format: ContentFormat;
}

export async function decryptTitle(encryptedTitle: string, keys: MapContext & TitleKeySource): Promise<OpenedTitle> {
  let blob: Uint8Array;
  try {
    blob = fromBase64(encryptedTitle, 'encryptedTitle');
  } catch (cause) {
    throw new DecryptionError('malformed', 'title: not valid base64', { cause });
  }
  const format = checkBaseHeader(blob, 'title');
  let title: Uint8Array;
  let revision = 0;
  if (format === 'v1') {
    if (!('dek' in keys)) throw new DecryptionError('unsupported-format', 'title: a v1 title opens only with the map key');
    title = await openWithHeader(keys.dek, blob, BASE_PREFIX_BYTES, LEGACY_TITLE_PURPOSE, 'title');
  } else {
    const key = 'dek' in keys ? deriveTitleKey(keys.dek, keys.mapId) : keys.titleKey;
    const plaintext = await openWithHeader(key, blob, BASE_PREFIX_BYTES, purposeContext(TITLE_PURPOSE, keys), 'title');
    const read = plaintext.length >= 8 ? readU64(plaintext, 0) : undefined;
    if (read === undefined) throw new DecryptionError('malformed', 'title: bad revision');
    revision = read;
    title = plaintext.subarray(8);
  }
  try {
    return { title: fromUtf8(title), revision, format };
  } catch (cause) {
    throw new DocumentFormatError('title: plaintext is not UTF-8', { cause });
  }
}
