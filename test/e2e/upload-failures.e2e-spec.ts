import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { accountState, storedKeys } from '../utils/stored-objects';

/** A real database failure after the bytes are stored: a trigger that refuses the version row. */
async function failVersionInserts(t: TestApp, delaySeconds = 0) {
  await t.db.pool.query(`
    CREATE FUNCTION refuse_version() RETURNS trigger AS $$
    BEGIN
      PERFORM pg_sleep(${delaySeconds});
      RAISE EXCEPTION 'injected failure';
    END $$ LANGUAGE plpgsql`);
  await t.db.pool.query('CREATE TRIGGER refuse_version BEFORE INSERT ON map_versions FOR EACH ROW EXECUTE FUNCTION refuse_version()');
}

describe('an upload whose storage or recording fails', () => {
  let t: TestApp;
  let api: Api;

  beforeEach(async () => {
    t = await createTestApp({ blob: 's3' });
    api = new Api(t.baseUrl);
  });
  afterEach(() => t?.close());

  it('answers 503 BLOB_STORE_UNAVAILABLE and records nothing when the blob store is down', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    await t.s3!.stop();
    const res = await api.upload(user, map.id, randomBytes(500));
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, code: 'BLOB_STORE_UNAVAILABLE' });
    expect(await accountState(t, user.userId)).toEqual({ keys: [], versionBytes: 0, usage: 0 });
    const detail = await api.request('GET', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect(detail.body).toMatchObject({ headVersionId: null, versionCount: 0 });
  });

  it('removes the stored object when the database fails after the put', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const kept = await api.upload(user, map.id, randomBytes(300));
    expect(kept.status).toBe(201);
    await failVersionInserts(t);
    const res = await api.upload(user, map.id, randomBytes(500));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, error: 'InternalServerError', code: 'INTERNAL', message: 'internal error' });
    const state = await accountState(t, user.userId);
    expect(state).toEqual({ keys: [expect.any(String)], versionBytes: 300, usage: 300 });
    expect(await storedKeys(t)).toEqual(state.keys);
    const detail = await api.request('GET', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect(detail.body).toMatchObject({ headVersionId: kept.body.versionId, versionCount: 1, sizeBytes: 300 });
  });

  it('records the object for the sweeper when the database fails and so does the delete', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    await failVersionInserts(t, 1);
    const upload = api.upload(user, map.id, randomBytes(500));
    // The bytes are stored before the transaction sleeps; the blob store vanishes meanwhile.
    await new Promise((r) => setTimeout(r, 500));
    await t.s3!.stop();
    expect((await upload).status).toBe(500);
    expect(await accountState(t, user.userId)).toEqual({ keys: [], versionBytes: 0, usage: 0 });
    const orphans = await t.db.pool.query('SELECT object_key, reason FROM orphan_objects');
    expect(orphans.rows).toEqual([
      { object_key: expect.stringMatching(new RegExp(`^users/${user.userId}/maps/${map.id}/`)), reason: 'version not recorded' },
    ]);
  });
});
