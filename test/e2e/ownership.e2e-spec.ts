import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, envelope, eventually, keyBundle, MapDetail, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe("another user's map", () => {
  let t: TestApp;
  let api: Api;
  let owner: TestUser;
  let intruder: TestUser;
  let map: MapDetail;
  let versionId: string;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
    owner = await api.register();
    intruder = await api.register();
    map = await api.createMap(owner);
    versionId = (await api.upload(owner, map.id, randomBytes(64))).body.versionId;
  });
  afterAll(() => t?.close());

  it('answers exactly like a map that does not exist, on every route, and changes nothing', async () => {
    const missing = '11111111-1111-4111-8111-111111111111';
    const routes: [string, (id: string) => string, Record<string, unknown>?][] = [
      ['GET', (id) => `/api/mindmaps/${id}`],
      ['GET', (id) => `/api/mindmaps/${id}?include=content`],
      ['PATCH', (id) => `/api/mindmaps/${id}`, { json: { maxVersions: 1 } }],
      ['DELETE', (id) => `/api/mindmaps/${id}`],
      ['PUT', (id) => `/api/mindmaps/${id}/blob`, { body: randomBytes(10) }],
      ['GET', (id) => `/api/mindmaps/${id}/blob`],
      ['GET', (id) => `/api/mindmaps/${id}/blob?versionId=${versionId}`],
      ['GET', (id) => `/api/mindmaps/${id}/versions`],
      ['POST', (id) => `/api/mindmaps/${id}/versions/${versionId}/restore`],
    ];
    for (const [method, path, options] of routes) {
      const theirs = await api.request(method, path(map.id), { token: intruder.accessToken, ...options });
      const nobodys = await api.request(method, path(missing), { token: intruder.accessToken, ...options });
      expect({ route: `${method} ${path(':id')}`, status: theirs.status, body: theirs.body }).toEqual({
        route: `${method} ${path(':id')}`,
        status: 404,
        body: nobodys.body,
      });
      expect(theirs.body.code).toBe('MAP_NOT_FOUND');
    }
    const list = await api.request<{ items: unknown[] }>('GET', '/api/mindmaps', { token: intruder.accessToken });
    expect(list.body.items).toEqual([]);

    const after = await api.request('GET', `/api/mindmaps/${map.id}`, { token: owner.accessToken });
    expect(after.body).toMatchObject({ maxVersions: map.maxVersions, headVersionId: versionId, versionCount: 1 });
  });

  it("will not take someone else's map into a key rotation", async () => {
    const res = await api.request('PUT', '/api/auth/keys', {
      token: intruder.accessToken,
      json: { currentAuthKey: intruder.authKey, keys: keyBundle(), keyVersion: 2, maps: [{ id: map.id, envelope: envelope() }] },
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'NotFound', code: 'MAP_NOT_FOUND' });
    expect((await api.request('GET', '/api/auth/keys', { token: intruder.accessToken })).body.keyVersion).toBe(1);
    expect((await api.request('GET', `/api/mindmaps/${map.id}`, { token: owner.accessToken })).body.envelope).toEqual(map.envelope);
  });
});

describe('map listing', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('pages through own maps newest first with an opaque cursor, and refuses a forged one', async () => {
    const user = await api.register();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await api.createMap(user)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
      const page = await api.request<{ items: { id: string }[]; nextCursor: string | null }>('GET', `/api/mindmaps${query}`, {
        token: user.accessToken,
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((m) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...created].reverse());

    const forged = await api.request('GET', '/api/mindmaps?cursor=not-a-cursor', { token: user.accessToken });
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('VALIDATION_FAILED');
    const tooMany = await api.request('GET', '/api/mindmaps?limit=1000', { token: user.accessToken });
    expect(tooMany.status).toBe(400);
  });

  it("pages through a map's versions newest first with an opaque cursor, and lists them all without a limit", async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 10 });
    const saved: string[] = [];
    for (let i = 0; i < 7; i++) saved.push((await api.upload(user, map.id, randomBytes(10 + i))).body.versionId);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
      const page = await api.request<{ items: { versionId: string }[]; nextCursor: string | null }>(
        'GET',
        `/api/mindmaps/${map.id}/versions${query}`,
        { token: user.accessToken },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((v) => v.versionId));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...saved].reverse());

    const all = await api.request<{ items: { versionId: string }[]; nextCursor: string | null }>('GET', `/api/mindmaps/${map.id}/versions`, {
      token: user.accessToken,
    });
    expect(all.body).toEqual({ items: expect.any(Array), nextCursor: null });
    expect(all.body.items.map((v) => v.versionId)).toEqual([...saved].reverse());

    for (const bad of ['?cursor=not-a-cursor', `?cursor=${Buffer.from('v0').toString('base64url')}`, '?limit=0', '?limit=1001']) {
      const res = await api.request('GET', `/api/mindmaps/${map.id}/versions${bad}`, { token: user.accessToken });
      expect({ bad, status: res.status, code: res.body.code }).toEqual({ bad, status: 400, code: 'VALIDATION_FAILED' });
    }
  });

  it('validates map input and ids with VALIDATION_FAILED', async () => {
    const user = await api.register();
    const bad = await api.request<{ details: { field: string }[] }>('POST', '/api/mindmaps', {
      token: user.accessToken,
      json: { encryptedTitle: 'x', envelope: { ...envelope(), wrappedDek: randomBytes(39).toString('base64') }, keyVersion: 1, maxVersions: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d) => d.field).sort()).toEqual(['encryptedTitle', 'envelope.wrappedDek', 'maxVersions']);
    const extra = await api.request('POST', '/api/mindmaps', {
      token: user.accessToken,
      json: { encryptedTitle: 'AAAA', envelope: envelope(), keyVersion: 1, ownerId: user.userId },
    });
    expect(extra.status).toBe(400);
    const badId = await api.request('GET', '/api/mindmaps/..%2F..%2Fetc%2Fpasswd', { token: user.accessToken });
    expect(badId.status).toBe(400);
    expect(badId.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'id', messages: ['id must be a UUID'] }] });
    // Path ids are checked by Fastify's compiled schema: each route names the parameter it refused.
    const map = await api.createMap(user);
    const badIds: [string, string, string][] = [
      ['GET', `/api/mindmaps/${map.id}x/blob`, 'id'],
      ['DELETE', '/api/mindmaps/42', 'id'],
      ['POST', `/api/mindmaps/${map.id}/versions/not-a-version/restore`, 'versionId'],
      ['DELETE', `/api/mindmaps/${map.id}/shares/${'f'.repeat(36)}`, 'shareId'],
    ];
    for (const [method, path, field] of badIds) {
      const res = await api.request(method, path, { token: user.accessToken });
      expect({ path, status: res.status, body: res.body }).toMatchObject({
        path,
        status: 400,
        body: { statusCode: 400, error: 'BadRequest', code: 'VALIDATION_FAILED', details: [{ field, messages: [`${field} must be a UUID`] }] },
      });
    }
    const upper = await api.request('GET', `/api/mindmaps/${map.id.toUpperCase()}`, { token: user.accessToken });
    expect(upper.status).toBe(200);
    const malformed = await fetch(`${t.baseUrl}/api/mindmaps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: '{"encryptedTitle": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('lowering maxVersions prunes the surplus', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 10 });
    for (let i = 0; i < 5; i++) await api.upload(user, map.id, randomBytes(100));
    const patched = await api.request('PATCH', `/api/mindmaps/${map.id}`, { token: user.accessToken, json: { maxVersions: 2 } });
    expect(patched.body.maxVersions).toBe(2);
    await eventually(async () => {
      const versions = await api.request<{ items: unknown[] }>('GET', `/api/mindmaps/${map.id}/versions`, { token: user.accessToken });
      return versions.body.items.length === 2;
    });
    const usage = await t.db.pool.query('SELECT usage_bytes FROM user_usage WHERE user_id = $1', [user.userId]);
    expect(Number(usage.rows[0].usage_bytes)).toBe(200);
  });
});
