/** Routes that need no account: what a share link's token opens. */
import { type HttpClient, type ProgressCallback, readBytes } from './http-client.js';
import type { JsonResponse } from './schema.js';

export type PublicShare = JsonResponse<'/api/public/shares/{token}', 'get'>;

export class PublicApi {
  constructor(private readonly http: HttpClient) {}

  /** The share's encrypted title, envelope and version; 404 SHARE_NOT_FOUND when unknown, revoked or expired. */
  share(token: string): Promise<PublicShare> {
    return this.http.call('get', '/api/public/shares/{token}', { auth: false, params: { token } });
  }

  /** The shared version's ciphertext. */
  async shareBlob(token: string, onProgress?: ProgressCallback): Promise<Uint8Array> {
    const response = await this.http.send('get', '/api/public/shares/{token}/blob', { auth: false, params: { token } });
    return readBytes(response, onProgress);
  }
}
