import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, envelope } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

interface SharePage {
  items: { shareId: string; createdAt: string }[];
  nextCursor: string | null;
  code?: string;
}

describe('the share list', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('is paginated like the maps list: newest first, page by page, every share once', async () => {
    // Regression: every share of the map came back in one answer, however many there were.
    const owner = await api.register();
    const map = await api.createMap(owner);
    const created: string[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await api.request<{ shareId: string }>('POST', `/api/mindmaps/${map.id}/shares`, {
        token: owner.accessToken,
        json: { envelope: envelope(), keyVersion: 1 },
      });
      expect(res.status).toBe(201);
      created.push(res.body.shareId);
    }
    const page = (query: string) => api.request<SharePage>('GET', `/api/mindmaps/${map.id}/shares${query}`, { token: owner.accessToken });

    const first = await page('');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(20);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const res: { body: SharePage } = await page(`?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      sizes.push(res.body.items.length);
      seen.push(...res.body.items.map((s) => s.shareId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual([...created].reverse());

    for (const bad of ['?limit=0', '?limit=101', '?cursor=not-a-cursor']) {
      const res = await page(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const stranger = await api.register();
    const foreign = await api.request<SharePage>('GET', `/api/mindmaps/${map.id}/shares`, { token: stranger.accessToken });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('MAP_NOT_FOUND');
  });
});
