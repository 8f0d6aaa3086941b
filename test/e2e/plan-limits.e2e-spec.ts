import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, envelope, MapDetail, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

const MAX_MAPS = 3;
const MAX_SHARES = 4;

describe('plan limits on maps and shares', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ env: { MAX_MAPS_FREE: String(MAX_MAPS), MAX_SHARES_FREE: String(MAX_SHARES) } });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const createMap = (user: TestUser) =>
    api.request<MapDetail & { code?: string }>('POST', '/api/mindmaps', {
      token: user.accessToken,
      json: { encryptedTitle: Buffer.from('t').toString('base64'), envelope: envelope(), keyVersion: 1 },
    });
  const share = (user: TestUser, mapId: string) =>
    api.request<{ shareId: string; code?: string }>('POST', `/api/mindmaps/${mapId}/shares`, {
      token: user.accessToken,
      json: { envelope: envelope(), keyVersion: 1 },
    });

  it('caps the maps a user owns per plan, also under concurrent creates; a delete makes room', async () => {
    // Regression: a user could create maps without end (each a row, an envelope and a title).
    const user = await api.register();
    const results = await Promise.all(Array.from({ length: 8 }, () => createMap(user)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(MAX_MAPS);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.status)).toEqual(Array(8 - MAX_MAPS).fill(403));
    expect(refused[0].body).toMatchObject({ statusCode: 403, code: 'MAP_LIMIT_REACHED', tier: 'free', limit: MAX_MAPS });
    const owned = await t.db.pool.query('SELECT count(*)::int AS n FROM mind_maps WHERE owner_id = $1', [user.userId]);
    expect(owned.rows[0].n).toBe(MAX_MAPS);

    const victim = results.find((r) => r.status === 201)!.body.id;
    expect((await api.request('DELETE', `/api/mindmaps/${victim}`, { token: user.accessToken })).status).toBe(204);
    expect((await createMap(user)).status).toBe(201);
    // Another user has a budget of their own.
    expect((await createMap(await api.register())).status).toBe(201);
  });

  it('caps the share links a user holds over all their maps, also under concurrent creates', async () => {
    const user = await api.register();
    const a = (await createMap(user)).body.id;
    const b = (await createMap(user)).body.id;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => share(user, i % 2 ? a : b)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(MAX_SHARES);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.status)).toEqual(Array(8 - MAX_SHARES).fill(403));
    expect(refused[0].body).toMatchObject({ statusCode: 403, code: 'SHARE_LIMIT_REACHED', tier: 'free', limit: MAX_SHARES });

    const revoked = results.find((r) => r.status === 201)!.body.shareId;
    const owner = (await t.db.pool.query('SELECT map_id FROM shares WHERE id = $1', [revoked])).rows[0].map_id;
    expect((await api.request('DELETE', `/api/mindmaps/${owner}/shares/${revoked}`, { token: user.accessToken })).status).toBe(204);
    expect((await share(user, a)).status).toBe(201);
  });

  it('publishes the limits with the plans', async () => {
    const plans = await api.request<{ items: { tier: string; maxMaps: number; maxShares: number }[] }>('GET', '/api/public/plans');
    expect(plans.body.items.map((p) => [p.tier, p.maxMaps, p.maxShares])).toEqual([
      ['free', MAX_MAPS, MAX_SHARES],
      ['pro', 2000, 2000],
      ['team', 10_000, 10_000],
    ]);
  });
});
