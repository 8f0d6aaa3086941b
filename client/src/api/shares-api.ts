/** Owner side of link shares: /api/mindmaps/:id/shares. */
import type { HttpClient } from './http-client.js';
import type { JsonBody, JsonResponse, Schemas } from './schema.js';

export type CreateShareRequest = JsonBody<'/api/mindmaps/{id}/shares', 'post'>;
export type CreatedShareResponse = JsonResponse<'/api/mindmaps/{id}/shares', 'post'>;
export type ShareSummary = Schemas['ShareSummaryDto'];

export class SharesApi {
  constructor(private readonly http: HttpClient) {}

  /** The body carries the share envelope: the map's data key wrapped under the link key. */
  create(mapId: string, body: CreateShareRequest): Promise<CreatedShareResponse> {
    return this.http.call('post', '/api/mindmaps/{id}/shares', { params: { id: mapId }, body });
  }

  /** Every page of the map's shares, newest first; tokens are not listed (the server keeps only their hash). */
  async list(mapId: string): Promise<ShareSummary[]> {
    const items: ShareSummary[] = [];
    let cursor: string | undefined;
    do {
      const query = { limit: 100, ...(cursor !== undefined ? { cursor } : {}) };
      const page = await this.http.call('get', '/api/mindmaps/{id}/shares', { params: { id: mapId }, query });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  }

  /** The token stops working at once. */
  async revoke(mapId: string, shareId: string): Promise<void> {
    await this.http.call('delete', '/api/mindmaps/{id}/shares/{shareId}', { params: { id: mapId, shareId } });
  }
}
