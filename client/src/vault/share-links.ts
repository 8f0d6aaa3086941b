/**
 * Opening a share link needs no account: the token (URL path) finds the share, the link key
 * (URL fragment, never sent) opens its envelope.
 */
import { ApiError } from '../api/api-error.js';
import type { Fetch, ProgressCallback } from '../api/http-client.js';
import { MindvaultApi } from '../api/mindvault-api.js';
import { wipe } from '../crypto/bytes.js';
import { decryptDocument, decryptTitle } from '../crypto/content-cipher.js';
import { openLinkShare, parseShareUrl } from '../crypto/share-link.js';
import type { MindMapDocument } from '../model/mind-map-document.js';

export interface OpenShareOptions {
  /** The API's base URL; by default the link's own origin and path prefix (before `/s/<token>`). */
  apiBaseUrl?: string;
  fetch?: Fetch;
  onProgress?: ProgressCallback;
}

export interface OpenedShare {
  title: string;
  versionId: string;
  document: MindMapDocument;
}

export async function openShareLink(link: string, options: OpenShareOptions = {}): Promise<OpenedShare> {
  const { token, linkKey } = parseShareUrl(link);
  const api = new MindvaultApi({ baseUrl: options.apiBaseUrl ?? shareLinkApiBase(link), ...(options.fetch ? { fetch: options.fetch } : {}) });
  try {
    const share = await api.public.share(token);
    if (share.versionId === null) throw new ApiError(404, 'NO_CONTENT_YET', 'the shared map has no saved version yet');
    const versionId = share.versionId;
    const dek = await openLinkShare(share.envelope, linkKey);
    try {
      const title = await decryptTitle(share.encryptedTitle, dek);
      const bytes = await api.public.shareBlob(token, options.onProgress);
      return { title, versionId, document: await decryptDocument(bytes, dek) };
    } finally {
      wipe(dek);
    }
  } finally {
    wipe(linkKey);
  }
}

/** `https://host/prefix/s/<token>#key` → `https://host/prefix`. */
export function shareLinkApiBase(link: string): string {
  const url = new URL(link);
  url.hash = '';
  url.search = '';
  url.pathname = url.pathname.replace(/\/s\/[^/]+\/?$/, '');
  return url.toString().replace(/\/+$/, '');
}
