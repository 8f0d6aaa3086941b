import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfig } from '../../src/config/app-config';
import { createBlobStore } from '../../src/storage/blob-store.factory';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { ObservedBlobStore } from '../fakes/observed-blob-store';
import { Api, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { rawRequest } from '../utils/raw-http';

describe('upload rules, in the contract order', () => {
  let t: TestApp;
  let api: Api;
  let user: TestUser;
  let store: ObservedBlobStore;

  beforeAll(async () => {
    t = await createTestApp({
      env: { MAX_BLOB_BYTES: '4096', FREE_STORAGE_BYTES: '10000' },
      overrides: [
        {
          provide: BlobStore,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => (store = new ObservedBlobStore(await createBlobStore(config.blob))),
        },
      ],
    });
    api = new Api(t.baseUrl);
    user = await api.register();
  });
  afterAll(() => t?.close());

  const blobUrl = (mapId: string) => `${t.baseUrl}/api/mindmaps/${mapId}/blob`;

  async function state(userId: string) {
    const versions = await t.db.pool.query('SELECT count(*)::int AS n FROM map_versions WHERE owner_id = $1', [userId]);
    const usage = await t.db.pool.query('SELECT usage_bytes FROM user_usage WHERE user_id = $1', [userId]);
    return { versions: versions.rows[0].n as number, usage: Number(usage.rows[0]?.usage_bytes ?? 0) };
  }

  async function storedFiles(): Promise<string[]> {
    const root = t.config.blob.driver === 'fs' ? t.config.blob.rootDir : '';
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  }

  it('answers 411 LENGTH_REQUIRED to a chunked upload', async () => {
    const map = await api.createMap(user);
    const res = await rawRequest(blobUrl(map.id), {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      chunks: [randomBytes(100)],
    });
    expect(res.status).toBe(411);
    expect(JSON.parse(res.body!)).toMatchObject({ statusCode: 411, error: 'LengthRequired', code: 'LENGTH_REQUIRED' });
  });

  it('answers 400 BLOB_REQUIRED to an empty body', async () => {
    const map = await api.createMap(user);
    const res = await api.upload(user, map.id, Buffer.alloc(0));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BLOB_REQUIRED' });
  });

  it('answers 413 BLOB_TOO_LARGE past MAX_BLOB_BYTES, before looking at the map', async () => {
    const res = await api.upload(user, '00000000-0000-4000-8000-000000000000', randomBytes(4097));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'BLOB_TOO_LARGE', maxBytes: 4096 });
  });

  it('answers 404 MAP_NOT_FOUND for a map that does not exist', async () => {
    const res = await api.upload(user, '00000000-0000-4000-8000-000000000000', randomBytes(10));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'MAP_NOT_FOUND', error: 'NotFound' });
  });

  it('answers 412 VERSION_CONFLICT when If-Match is not the head, and saves when it is', async () => {
    const map = await api.createMap(user);
    const first = await api.upload(user, map.id, randomBytes(10));
    const stale = await api.upload(user, map.id, randomBytes(10), { 'if-match': '"00000000-0000-4000-8000-000000000000"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', headVersionId: first.body.versionId });
    const fresh = await api.upload(user, map.id, randomBytes(10), { 'if-match': `"${first.body.versionId}"` });
    expect(fresh.status).toBe(201);
  });

  it('answers 413 STORAGE_QUOTA_EXCEEDED with the figures, and stores nothing', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    expect((await api.upload(owner, map.id, randomBytes(4000))).status).toBe(201);
    expect((await api.upload(owner, map.id, randomBytes(4000))).status).toBe(201);
    const filesBefore = (await storedFiles()).length;
    const over = await api.upload(owner, map.id, randomBytes(2001));
    expect(over.status).toBe(413);
    expect(over.body).toEqual({
      statusCode: 413,
      error: 'PayloadTooLarge',
      code: 'STORAGE_QUOTA_EXCEEDED',
      message: expect.any(String),
      tier: 'free',
      projectedBytes: 10001,
      limitBytes: 10000,
    });
    expect(await state(owner.userId)).toEqual({ versions: 2, usage: 8000 });
    expect((await storedFiles()).length).toBe(filesBefore);
    expect((await api.upload(owner, map.id, randomBytes(2000))).status).toBe(201);
  });

  it('answers 415 to a body that is not application/octet-stream', async () => {
    const map = await api.createMap(user);
    const res = await api.upload(user, map.id, randomBytes(10), { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('records nothing when the client vanishes mid-body', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    const filesBefore = (await storedFiles()).length;
    const res = await rawRequest(blobUrl(map.id), {
      method: 'PUT',
      headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/octet-stream', 'content-length': 4000 },
      chunks: [randomBytes(1500)],
      abortAfterChunks: true,
      // Cut off once the server streams the body to the store, then wait until that put failed.
      abortWhen: store.nextPut(),
    });
    expect(res.aborted).toBe(true);
    // A failed put is the whole story: the server records a version only after a put succeeded.
    expect((await store.settled()).at(-1)).toBe('failed');
    expect(await state(owner.userId)).toEqual({ versions: 0, usage: 0 });
    expect((await storedFiles()).length).toBe(filesBefore);
    const detail = await api.request('GET', `/api/mindmaps/${map.id}`, { token: owner.accessToken });
    expect(detail.body).toMatchObject({ headVersionId: null, versionCount: 0 });
  });

  it('answers NO_CONTENT_YET before the first upload and VERSION_NOT_FOUND for a foreign version id', async () => {
    const map = await api.createMap(user);
    const empty = await api.request('GET', `/api/mindmaps/${map.id}/blob`, { token: user.accessToken });
    expect(empty.status).toBe(404);
    expect(empty.body).toMatchObject({ code: 'NO_CONTENT_YET' });
    const other = await api.createMap(user);
    const saved = await api.upload(user, other.id, randomBytes(10));
    const foreign = await api.request('GET', `/api/mindmaps/${map.id}/blob?versionId=${saved.body.versionId}`, { token: user.accessToken });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'VERSION_NOT_FOUND' });
    const restore = await api.request('POST', `/api/mindmaps/${map.id}/versions/${saved.body.versionId}/restore`, { token: user.accessToken });
    expect(restore.status).toBe(404);
    expect(restore.body).toMatchObject({ code: 'VERSION_NOT_FOUND' });
  });
});
