import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/queue/job-queue';
import { Api, eventually, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

interface Snapshot {
  versionId: string;
  pinned: boolean;
  encryptedLabel: string | null;
}

/** Named and pinned versions: PATCH /api/mindmaps/:id/versions/:versionId and what thinning makes of them. */
describe('named and pinned versions', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const mark = (user: TestUser, mapId: string, versionId: string, json: unknown) =>
    api.request<Snapshot & { code?: string; limit?: number }>('PATCH', `/api/mindmaps/${mapId}/versions/${versionId}`, { token: user.accessToken, json });
  const list = async (user: TestUser, mapId: string) =>
    (await api.request<{ items: Snapshot[] }>('GET', `/api/mindmaps/${mapId}/versions`, { token: user.accessToken })).body.items;

  async function saves(user: TestUser, mapId: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await api.upload(user, mapId, randomBytes(20 + i))).body.versionId);
    return ids;
  }

  it('names and pins a version, shows it in the list, and clears the name with null', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const [first] = await saves(user, map.id, 2);
    const label = randomBytes(60).toString('base64');
    const named = await mark(user, map.id, first, { encryptedLabel: label, pinned: true });
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({ versionId: first, pinned: true, encryptedLabel: label });
    expect((await list(user, map.id)).map((v) => [v.pinned, v.encryptedLabel])).toEqual([[false, null], [true, label]]);
    // A field left out stays as it is.
    expect((await mark(user, map.id, first, { encryptedLabel: null })).body).toMatchObject({ pinned: true, encryptedLabel: null });
    expect((await mark(user, map.id, first, { pinned: false })).body).toMatchObject({ pinned: false, encryptedLabel: null });
  });

  it('refuses bad input with the contract codes and changes nothing', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const [v] = await saves(user, map.id, 1);
    for (const body of [{ pinned: null }, { pinned: 'yes' }, { encryptedLabel: 'not base64!' }, { encryptedLabel: randomBytes(1025).toString('base64') }, { encryptedLabel: '' }]) {
      const res = await mark(user, map.id, v, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await mark(user, map.id, '00000000-0000-4000-8000-000000000000', { pinned: true })).body.code).toBe('VERSION_NOT_FOUND');
    const stranger = await api.register();
    expect((await mark(stranger, map.id, v, { pinned: true })).body.code).toBe('MAP_NOT_FOUND');
    expect(await list(user, map.id)).toMatchObject([{ pinned: false, encryptedLabel: null }]);
  });

  it('never thins a pinned version, even past the cap; unpinned, it goes', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 3 });
    const [first] = await saves(user, map.id, 1);
    expect((await mark(user, map.id, first, { pinned: true })).status).toBe(200);
    const later = await saves(user, map.id, 5);
    await eventually(async () => (await list(user, map.id)).length === 3);
    expect((await list(user, map.id)).map((v) => v.versionId)).toEqual([later[4], later[3], first]);

    // Unpinned, it is one of three under a cap of three: the next save takes the cap past it.
    expect((await mark(user, map.id, first, { pinned: false })).status).toBe(200);
    await t.app.get(JobQueue).enqueue('thin-due', {});
    const [last] = await saves(user, map.id, 1);
    await eventually(async () => !(await list(user, map.id)).some((v) => v.versionId === first));
    expect((await list(user, map.id)).map((v) => v.versionId)).toEqual([last, later[4], later[3]]);
  });

  it('caps pins per map below maxVersions and at the plan limit, and keeps maxVersions above the pins', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 3 });
    const ids = await saves(user, map.id, 3);
    expect((await mark(user, map.id, ids[0], { pinned: true })).status).toBe(200);
    expect((await mark(user, map.id, ids[1], { pinned: true })).status).toBe(200);
    const refused = await mark(user, map.id, ids[2], { pinned: true });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'PIN_LIMIT_REACHED', limit: 2 });
    // Pinning a pinned version again is no new pin.
    expect((await mark(user, map.id, ids[1], { pinned: true })).status).toBe(200);
    const lowered = await api.request<{ code: string; pinned: number }>('PATCH', `/api/mindmaps/${map.id}`, { token: user.accessToken, json: { maxVersions: 2 } });
    expect(lowered.status).toBe(409);
    expect(lowered.body).toMatchObject({ code: 'MAX_VERSIONS_BELOW_PINNED', pinned: 2 });

    // The plan's own limit: free allows 10 pins a map.
    const big = await api.createMap(user, { maxVersions: 50 });
    const many = await saves(user, big.id, 11);
    for (const id of many.slice(0, 10)) expect((await mark(user, big.id, id, { pinned: true })).status).toBe(200);
    expect((await mark(user, big.id, many[10], { pinned: true })).body).toMatchObject({ code: 'PIN_LIMIT_REACHED', limit: t.config.tiers.free.maxPinnedVersions });
  });
});
