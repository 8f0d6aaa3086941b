import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, envelope, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

interface Opened {
  id: string;
  headVersionId: string | null;
  envelope: { wrappedDek: string };
  content?: { versionId: string; sizeBytes: number; savedAt: string; envelope: { wrappedDek: string }; pinned: boolean; encryptedLabel: string | null; data: string } | null;
}

describe('opening a map in one request (GET /api/mindmaps/:id?include=content)', () => {
  let t: TestApp;
  let api: Api;
  let owner: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
    owner = await api.register();
  });
  afterAll(() => t?.close());

  const open = (id: string, token = owner.accessToken) => api.request<Opened>('GET', `/api/mindmaps/${id}?include=content`, { token });

  it("answers the detail with the head's exact bytes and the envelope recorded for that version", async () => {
    const map = await api.createMap(owner);
    const bytes = randomBytes(16 * 1024);
    const saved = (await api.upload(owner, map.id, bytes)).body;
    const detail = await api.request<Opened>('GET', `/api/mindmaps/${map.id}`, { token: owner.accessToken });
    expect(detail.body).not.toHaveProperty('content');

    const opened = await open(map.id);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('cache-control')).toBe('no-store');
    const { content, ...rest } = opened.body;
    expect(rest).toEqual(detail.body);
    expect(content).toEqual({
      versionId: saved.versionId,
      sizeBytes: bytes.length,
      savedAt: saved.savedAt,
      envelope: map.envelope,
      pinned: false,
      encryptedLabel: null,
      data: bytes.toString('base64'),
    });
    const blob = await api.request<Buffer>('GET', `/api/mindmaps/${map.id}/blob`, { token: owner.accessToken });
    expect(Buffer.from(content!.data, 'base64').equals(blob.body)).toBe(true);
  });

  it('keeps the envelope of the version, not the map, after a re-key', async () => {
    const map = await api.createMap(owner);
    const first = (await api.upload(owner, map.id, randomBytes(100))).body;
    const rekeyed = envelope();
    const patched = await api.request('PATCH', `/api/mindmaps/${map.id}`, { token: owner.accessToken, json: { envelope: rekeyed, keyVersion: 1 } });
    expect(patched.status).toBe(200);
    const opened = (await open(map.id)).body;
    expect(opened.envelope).toEqual(rekeyed);
    expect(opened.content).toMatchObject({ versionId: first.versionId, envelope: map.envelope });
  });

  it('answers content null before the first save, and for a head over 256 KiB (the client then downloads the blob)', async () => {
    const empty = await api.createMap(owner);
    expect((await open(empty.id)).body).toMatchObject({ id: empty.id, headVersionId: null, content: null });

    const big = await api.createMap(owner);
    await api.upload(owner, big.id, randomBytes(256 * 1024));
    expect((await open(big.id)).body.content).toMatchObject({ sizeBytes: 256 * 1024 });
    const over = (await api.upload(owner, big.id, randomBytes(256 * 1024 + 1))).body;
    expect((await open(big.id)).body).toMatchObject({ headVersionId: over.versionId, content: null });
  });

  it("refuses any other include with VALIDATION_FAILED, and another user's map as MAP_NOT_FOUND", async () => {
    const map = await api.createMap(owner);
    const bad = await api.request('GET', `/api/mindmaps/${map.id}?include=versions`, { token: owner.accessToken });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'include', messages: ['include must be "content"'] }] });
    const intruder = await api.register();
    const theirs = await open(map.id, intruder.accessToken);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toMatchObject({ code: 'MAP_NOT_FOUND' });
  });
});
