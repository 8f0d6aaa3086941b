/** /api/mindmaps: map metadata, the ciphertext blob, versions and restore. */
import { type HttpClient, type ProgressCallback, readBytes } from './http-client.js';
import type { JsonBody, MindMapDetail, MindMapPage, MindMapSummary, OpenedMindMap, SavedVersion, VersionSnapshot } from './schema.js';

export interface UploadOptions {
  /** Save only if this version is still the head (`If-Match`); else 412 VERSION_CONFLICT. */
  ifMatch?: string;
  /**
   * The wrappedDek of the envelope the bytes were encrypted for (`If-Envelope-Match`): save only if
   * it is still the map's; else 412 ENVELOPE_CHANGED (the map was re-keyed meanwhile).
   */
  envelopeWrappedDek?: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface DownloadOptions {
  /** A saved version; the head when absent. */
  versionId?: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface Download {
  bytes: Uint8Array;
  /** From the ETag: the version these bytes are. */
  versionId: string;
}

export class MindMapsApi {
  constructor(private readonly http: HttpClient) {}

  create(body: JsonBody<'/api/mindmaps', 'post'>): Promise<MindMapDetail> {
    return this.http.call('post', '/api/mindmaps', { body });
  }

  list(query: { limit?: number; cursor?: string } = {}): Promise<MindMapPage> {
    return this.http.call('get', '/api/mindmaps', { query });
  }

  /** Every page of the caller's maps, newest first. */
  async listAll(): Promise<MindMapSummary[]> {
    const items: MindMapSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  }

  get(id: string): Promise<MindMapDetail> {
    return this.http.call('get', '/api/mindmaps/{id}', { params: { id } });
  }

  /**
   * The detail with the head's bytes and recorded envelope inline: a map opened in one request.
   * `content` is null before the first save and when the head is over 256 KiB (download it then).
   */
  open(id: string): Promise<OpenedMindMap> {
    return this.http.call('get', '/api/mindmaps/{id}', { params: { id }, query: { include: 'content' } });
  }

  update(id: string, body: JsonBody<'/api/mindmaps/{id}', 'patch'>): Promise<MindMapDetail> {
    return this.http.call('patch', '/api/mindmaps/{id}', { params: { id }, body });
  }

  async delete(id: string): Promise<void> {
    await this.http.call('delete', '/api/mindmaps/{id}', { params: { id } });
  }

  /** PUT the raw ciphertext as application/octet-stream; a new version becomes the head. */
  async upload(id: string, bytes: Uint8Array, options: UploadOptions = {}): Promise<SavedVersion> {
    const response = await this.http.send('put', '/api/mindmaps/{id}/blob', {
      params: { id },
      bytes,
      headers: {
        'content-type': 'application/octet-stream',
        ...(options.ifMatch !== undefined ? { 'if-match': `"${options.ifMatch}"` } : {}),
        ...(options.envelopeWrappedDek !== undefined ? { 'if-envelope-match': options.envelopeWrappedDek } : {}),
      },
      ...(options.onProgress ? { onUploadProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return (await response.json()) as SavedVersion;
  }

  async download(id: string, options: DownloadOptions = {}): Promise<Download> {
    const response = await this.http.send('get', '/api/mindmaps/{id}/blob', {
      params: { id },
      query: options.versionId !== undefined ? { versionId: options.versionId } : {},
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const versionId = parseEtag(response.headers.get('etag')) ?? options.versionId;
    const bytes = await readBytes(response, options.onProgress);
    if (versionId === undefined) throw new TypeError('download answered without an ETag naming its version');
    return { bytes, versionId };
  }

  async versions(id: string): Promise<VersionSnapshot[]> {
    return (await this.http.call('get', '/api/mindmaps/{id}/versions', { params: { id } })).items;
  }

  /** Names and/or pins a version; the name is already encrypted (crypto.md §7a). */
  markVersion(id: string, versionId: string, body: JsonBody<'/api/mindmaps/{id}/versions/{versionId}', 'patch'>): Promise<VersionSnapshot> {
    return this.http.call('patch', '/api/mindmaps/{id}/versions/{versionId}', { params: { id, versionId }, body });
  }

  restore(id: string, versionId: string): Promise<SavedVersion> {
    return this.http.call('post', '/api/mindmaps/{id}/versions/{versionId}/restore', { params: { id, versionId } });
  }
}

/** `"<versionId>"` → versionId; weak or absent tags → undefined. */
export function parseEtag(header: string | null): string | undefined {
  const match = header === null ? null : /^"([^"]+)"$/.exec(header.trim());
  return match ? match[1] : undefined;
}
