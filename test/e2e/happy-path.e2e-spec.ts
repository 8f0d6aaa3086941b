import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, envelope, eventually } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('a client walking the whole flow', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ blob: 's3' });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('registers, saves versions, restores, prunes and deletes with usage back to 0', async () => {
    const user = await api.register();
    const keys = await api.request('GET', '/api/auth/keys', { token: user.accessToken });
    expect(keys.status).toBe(200);
    expect(keys.body.keyVersion).toBe(1);

    const map = await api.createMap(user, { maxVersions: 3 });
    expect(map).toMatchObject({ maxVersions: 3, headVersionId: null, versionCount: 0, sizeBytes: 0 });

    const contents = [randomBytes(1000), randomBytes(2000), randomBytes(3000)];
    const saved = [];
    for (const bytes of contents) {
      const res = await api.upload(user, map.id, bytes);
      expect(res.status).toBe(201);
      expect(res.body.sizeBytes).toBe(bytes.length);
      saved.push(res.body.versionId);
    }

    for (const [i, versionId] of saved.entries()) {
      const res = await api.request('GET', `/api/mindmaps/${map.id}/blob?versionId=${versionId}`, { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as unknown as Buffer, contents[i])).toBe(0);
      expect(res.headers.get('etag')).toBe(`"${versionId}"`);
    }
    const head = await api.request('GET', `/api/mindmaps/${map.id}/blob`, { token: user.accessToken });
    expect(head.headers.get('etag')).toBe(`"${saved[2]}"`);

    const versions = await api.request<{ items: { versionId: string; envelope: unknown }[] }>(
      'GET', `/api/mindmaps/${map.id}/versions`, { token: user.accessToken },
    );
    expect(versions.body.items.map((v) => v.versionId)).toEqual([...saved].reverse());
    expect(versions.body.items[0].envelope).toEqual(map.envelope);

    const restored = await api.request<{ versionId: string; sizeBytes: number }>(
      'POST', `/api/mindmaps/${map.id}/versions/${saved[0]}/restore`, { token: user.accessToken },
    );
    expect(restored.status).toBe(201);
    expect(restored.body.sizeBytes).toBe(1000);
    const restoredBytes = await api.request('GET', `/api/mindmaps/${map.id}/blob`, { token: user.accessToken });
    expect(Buffer.compare(restoredBytes.body as unknown as Buffer, contents[0])).toBe(0);

    // Four versions against maxVersions 3: the worker prunes the oldest and frees its bytes.
    const pruned = await eventually(async () => {
      const res = await api.request<{ items: { versionId: string }[] }>('GET', `/api/mindmaps/${map.id}/versions`, { token: user.accessToken });
      return res.body.items.length === 3 ? res.body.items : undefined;
    });
    expect(pruned.map((v) => v.versionId)).toEqual([restored.body.versionId, saved[2], saved[1]]);
    expect(await usageOf(user.userId)).toBe(2000 + 3000 + 1000);
    const gone = await api.request('GET', `/api/mindmaps/${map.id}/blob?versionId=${saved[0]}`, { token: user.accessToken });
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('VERSION_NOT_FOUND');

    const detail = await api.request('GET', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect(detail.body).toMatchObject({ headVersionId: restored.body.versionId, versionCount: 3, sizeBytes: 1000 });

    const deleted = await api.request('DELETE', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect(deleted.status).toBe(204);
    expect(await usageOf(user.userId)).toBe(0);
    const after = await api.request('GET', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect(after.status).toBe(404);
    expect(after.body.code).toBe('MAP_NOT_FOUND');
    const rows = await t.db.pool.query('SELECT count(*)::int AS n FROM map_versions');
    expect(rows.rows[0].n).toBe(0);
  });

  async function usageOf(userId: string): Promise<number> {
    const rows = await t.db.pool.query('SELECT usage_bytes FROM user_usage WHERE user_id = $1', [userId]);
    return Number(rows.rows[0]?.usage_bytes ?? 0);
  }

  it('keeps envelope history: a version answers with the envelope it was saved under', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const first = await api.upload(user, map.id, randomBytes(10));
    const next = envelope();
    await api.request('PATCH', `/api/mindmaps/${map.id}`, { token: user.accessToken, json: { envelope: next, keyVersion: 1 } });
    await api.upload(user, map.id, randomBytes(10));
    const versions = await api.request<{ items: { versionId: string; envelope: unknown }[] }>(
      'GET', `/api/mindmaps/${map.id}/versions`, { token: user.accessToken },
    );
    expect(versions.body.items[0].envelope).toEqual(next);
    expect(versions.body.items[1]).toMatchObject({ versionId: first.body.versionId, envelope: map.envelope });
  });
});
