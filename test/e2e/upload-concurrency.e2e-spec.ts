import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { accountState, storedKeys } from '../utils/stored-objects';

describe('concurrent uploads', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ blob: 's3', env: { FREE_STORAGE_BYTES: String(10 * 1000), MAX_CONCURRENT_UPLOADS: '100' } });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('lets exactly 10 of 30 concurrent uploads through a quota that fits 10', async () => {
    const user = await api.register();
    const maps = await Promise.all([1, 2, 3].map(() => api.createMap(user, { maxVersions: 50 })));
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api.upload(user, maps[i % 3].id, randomBytes(1000))),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 413)).toHaveLength(20);
    for (const refused of results.filter((r) => r.status === 413)) {
      expect(refused.body).toMatchObject({ code: 'STORAGE_QUOTA_EXCEEDED', limitBytes: 10000 });
    }
    const state = await accountState(t, user.userId);
    expect(state.usage).toBe(10 * 1000);
    expect(state.versionBytes).toBe(10 * 1000);
    // Refused uploads that got as far as storing their bytes removed them again.
    expect(await storedKeys(t)).toEqual(expect.arrayContaining(state.keys));
    expect((await storedKeys(t)).filter((k) => k.includes(user.userId))).toEqual(state.keys);
  });

  it('records all 20 concurrent uploads to one map without If-Match', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 50 });
    const results = await Promise.all(Array.from({ length: 20 }, () => api.upload(user, map.id, randomBytes(100))));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const versions = await api.request<{ items: { versionId: string }[] }>('GET', `/api/mindmaps/${map.id}/versions`, {
      token: user.accessToken,
    });
    expect(new Set(versions.body.items.map((v) => v.versionId))).toEqual(new Set(results.map((r) => r.body.versionId)));
    const detail = await api.request('GET', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect(detail.body).toMatchObject({ versionCount: 20, headVersionId: versions.body.items[0].versionId });
    expect((await accountState(t, user.userId)).usage).toBe(2000);
  });

  it('lets exactly one of 10 concurrent uploads with the same If-Match win', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 50 });
    const base = await api.upload(user, map.id, randomBytes(100));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.upload(user, map.id, randomBytes(100), { 'if-match': `"${base.body.versionId}"` })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(9);
    const state = await accountState(t, user.userId);
    expect(state.usage).toBe(200);
    expect((await storedKeys(t)).filter((k) => k.includes(user.userId))).toEqual(state.keys);
  });
});
