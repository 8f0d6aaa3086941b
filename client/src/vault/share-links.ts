/**
 * Opening a share link needs no account: the token (URL path) finds the share, the link key
 * (URL fragment, never sent) opens its envelope. What the link carries decides what it opens:
 * a map link the map's data key at one epoch, a version link one version's keys (share-link.ts).
 */
import { ApiError } from '../api/api-error.js';
import type { Fetch, ProgressCallback } from '../api/http-client.js';
import { MindvaultApi } from '../api/mindvault-api.js';
import { wipe } from '../crypto/bytes.js';
import { decryptDocument, decryptTitle, type OpenedDocument, readContentHeader } from '../crypto/content-cipher.js';
import { DecryptionError } from '../crypto/errors.js';
import { openLinkShare, parseShareUrl, type ShareKeys } from '../crypto/share-link.js';
import type { MindMapDocument } from '../model/mind-map-document.js';
import { TamperingError } from './errors.js';

export interface OpenShareOptions {
  /** The API's base URL; by default the link's own origin and path prefix (before `/s/<token>`). */
  apiBaseUrl?: string;
  fetch?: Fetch;
  onProgress?: ProgressCallback;
}

export interface OpenedShare {
  /** null when the title no longer opens with the link (renamed under a newer map key since). */
  title: string | null;
  versionId: string;
  document: MindMapDocument;
}

/** Placeholder context for v1 links, whose formats bind no owner or map. */
const NO_ID = '00000000-0000-0000-0000-000000000000';

export async function openShareLink(link: string, options: OpenShareOptions = {}): Promise<OpenedShare> {
  const { token, linkKey } = parseShareUrl(link);
  const api = new MindvaultApi({ baseUrl: options.apiBaseUrl ?? shareLinkApiBase(link), ...(options.fetch ? { fetch: options.fetch } : {}) });
  try {
    const share = await api.public.share(token);
    if (share.versionId === null) throw new ApiError(404, 'NO_CONTENT_YET', 'the shared map has no saved version yet');
    const versionId = share.versionId;
    const keys = await openLinkShare(share.envelope, linkKey);
    try {
      const title = await openTitle(share.encryptedTitle, keys);
      const bytes = await api.public.shareBlob(token, options.onProgress);
      return { title, versionId, document: (await openContent(bytes, keys)).document };
    } finally {
      wipeKeys(keys);
    }
  } finally {
    wipe(linkKey);
  }
}

async function openTitle(encryptedTitle: string, keys: ShareKeys): Promise<string | null> {
  const context = keys.kind === 'legacy' ? { userId: NO_ID, mapId: NO_ID } : keys;
  const source = keys.kind === 'version' ? { titleKey: keys.titleKey } : { dek: keys.dek };
  try {
    return (await decryptTitle(encryptedTitle, { ...context, ...source })).title;
  } catch (error) {
    if (error instanceof DecryptionError) return null;
    throw error;
  }
}

async function openContent(bytes: Uint8Array, keys: ShareKeys): Promise<OpenedDocument> {
  const mapId = keys.kind === 'legacy' ? null : keys.mapId;
  try {
    if (keys.kind === 'legacy') return await decryptDocument(bytes, { userId: NO_ID, mapId: NO_ID, dek: keys.dek });
    if (keys.kind === 'map') return await decryptDocument(bytes, { ...keys, dek: keys.dek });
    // A version link opens exactly the version it was made for.
    if (readContentHeader(bytes).seq !== keys.seq) throw new TamperingError('share', mapId);
    return await decryptDocument(bytes, { userId: keys.userId, mapId: keys.mapId, contentKey: keys.contentKey });
  } catch (error) {
    if (error instanceof DecryptionError) throw new TamperingError('share', mapId, { cause: error });
    throw error;
  }
}

function wipeKeys(keys: ShareKeys): void {
  if (keys.kind === 'version') wipe(keys.contentKey, keys.titleKey);
  else wipe(keys.dek);
}

/** `https://host/prefix/s/<token>#key` → `https://host/prefix`. */
export function shareLinkApiBase(link: string): string {
  const url = new URL(link);
  url.hash = '';
  url.search = '';
  url.pathname = url.pathname.replace(/\/s\/[^/]+\/?$/, '');
  return url.toString().replace(/\/+$/, '');
}
