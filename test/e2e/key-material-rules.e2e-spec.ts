import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, b64, envelope, eventually, kdf, keyBundle, MapDetail, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

type Envelope = ReturnType<typeof envelope>;
interface VersionItem {
  versionId: string;
  sizeBytes: number;
  envelope: Envelope;
}

/**
 * The server's rules for key material, played as a client with stale keys, or as the holder of a
 * stolen access token (who has no authKey): each write names the keyVersion it was made for,
 * rotation and password change need the current authKey, a rotation leaves no envelope for the
 * retired keys behind, and a pinned link reaches its version only.
 */
describe('server rules for key material', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const as = (user: TestUser) => ({ token: user.accessToken });
  const getMap = async (user: TestUser, id: string) => (await api.request<MapDetail>('GET', `/api/mindmaps/${id}`, as(user))).body;
  const versionsOf = async (user: TestUser, id: string) =>
    (await api.request<{ items: VersionItem[] }>('GET', `/api/mindmaps/${id}/versions`, as(user))).body.items;
  const keysOf = async (user: TestUser) => (await api.request('GET', '/api/auth/keys', as(user))).body;
  const mapCount = async (user: TestUser) => Number((await t.db.pool.query('SELECT count(*) FROM mind_maps WHERE owner_id = $1', [user.userId])).rows[0].count);
  const rotate = (user: TestUser, json: Record<string, unknown>) => api.request('PUT', '/api/auth/keys', { ...as(user), json });

  /** A user at keyVersion 2 with one map and one saved version, and everything it was before the attacks. */
  async function rotatedUser() {
    const user = await api.register();
    const map = await api.createMap(user);
    expect((await api.upload(user, map.id, randomBytes(64))).status).toBe(201);
    const rotated = await rotate(user, { currentAuthKey: user.authKey, keys: keyBundle(), keyVersion: 2, maps: [{ id: map.id, envelope: envelope() }] });
    expect(rotated.status).toBe(200);
    return { user, mapId: map.id };
  }

  it('refuses every write of key material made for a stale (or future) keyVersion with 409, changing nothing', async () => {
    const { user, mapId } = await rotatedUser();
    const before = { map: await getMap(user, mapId), versions: await versionsOf(user, mapId), keys: await keysOf(user), maps: await mapCount(user) };
    const conflict = { code: 'KEY_VERSION_CONFLICT', statusCode: 409, currentKeyVersion: 2 };

    for (const keyVersion of [1, 3]) {
      const created = await api.request('POST', '/api/mindmaps', { ...as(user), json: { encryptedTitle: b64(40), envelope: envelope(), keyVersion } });
      expect([created.status, created.body]).toEqual([409, expect.objectContaining(conflict)]);
      const patched = await api.request('PATCH', `/api/mindmaps/${mapId}`, {
        ...as(user),
        json: { envelope: envelope(), encryptedTitle: b64(40), keyVersion },
      });
      expect([patched.status, patched.body]).toEqual([409, expect.objectContaining(conflict)]);
      const shared = await api.request('POST', `/api/mindmaps/${mapId}/shares`, { ...as(user), json: { envelope: envelope(), keyVersion } });
      expect([shared.status, shared.body]).toEqual([409, expect.objectContaining(conflict)]);
    }
    // The private keys of keyVersion 1, re-sealed under a new password, after the rotation to 2.
    const newAuthKey = b64(32);
    const stalePassword = await api.request('PUT', '/api/auth/password', {
      ...as(user),
      json: { currentAuthKey: user.authKey, newAuthKey, kdf: kdf(), classicalPrivEncrypted: b64(62), pqPrivEncrypted: b64(94), keyVersion: 1 },
    });
    expect([stalePassword.status, stalePassword.body]).toEqual([409, expect.objectContaining(conflict)]);

    // An envelope without the keyVersion it was made for is not a valid request at all.
    const unnamed = await api.request<{ details: { field: string }[] }>('PATCH', `/api/mindmaps/${mapId}`, { ...as(user), json: { envelope: envelope() } });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.details.map((d) => d.field)).toEqual(['keyVersion']);

    expect(await getMap(user, mapId)).toEqual(before.map);
    expect(await versionsOf(user, mapId)).toEqual(before.versions);
    expect(await keysOf(user)).toEqual(before.keys);
    expect(await mapCount(user)).toBe(before.maps);
    expect((await api.request<{ items: unknown[] }>('GET', `/api/mindmaps/${mapId}/shares`, as(user))).body.items).toEqual([]);
    expect((await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } })).status).toBe(200);
    expect((await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: newAuthKey } })).status).toBe(401);

    // The same writes made for the current keyVersion go through.
    expect((await api.request('POST', '/api/mindmaps', { ...as(user), json: { encryptedTitle: b64(40), envelope: envelope(), keyVersion: 2 } })).status).toBe(201);
    expect((await api.request('PATCH', `/api/mindmaps/${mapId}`, { ...as(user), json: { envelope: envelope(), keyVersion: 2 } })).status).toBe(200);
    expect((await api.request('POST', `/api/mindmaps/${mapId}/shares`, { ...as(user), json: { envelope: envelope(), keyVersion: 2 } })).status).toBe(201);
  });

  it('refuses a rotation or a password change sent with a bearer token alone, or with a wrong authKey, changing nothing', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const keysBefore = await keysOf(user);
    const rotation = { keys: keyBundle(), keyVersion: 2, maps: [{ id: map.id, envelope: envelope() }] };
    const password = { newAuthKey: b64(32), kdf: kdf(), classicalPrivEncrypted: b64(62), pqPrivEncrypted: b64(94), keyVersion: 1 };

    const bare = await api.request<{ code: string; details: { field: string }[] }>('PUT', '/api/auth/keys', { ...as(user), json: rotation });
    expect([bare.status, bare.body.code, bare.body.details.map((d) => d.field)]).toEqual([400, 'VALIDATION_FAILED', ['currentAuthKey']]);
    const wrong = await api.request('PUT', '/api/auth/keys', { ...as(user), json: { ...rotation, currentAuthKey: b64(32) } });
    expect([wrong.status, wrong.body]).toEqual([401, expect.objectContaining({ code: 'INVALID_CREDENTIALS', message: 'currentAuthKey is wrong' })]);

    const barePassword = await api.request<{ details: { field: string }[] }>('PUT', '/api/auth/password', { ...as(user), json: password });
    expect([barePassword.status, barePassword.body.details.map((d) => d.field)]).toEqual([400, ['currentAuthKey']]);
    const wrongPassword = await api.request('PUT', '/api/auth/password', { ...as(user), json: { ...password, currentAuthKey: b64(32) } });
    expect([wrongPassword.status, wrongPassword.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);

    expect(await keysOf(user)).toEqual(keysBefore);
    expect((await getMap(user, map.id)).envelope).toEqual(map.envelope);
    expect((await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } })).status).toBe(200);
  });

  it('lets exactly one of two racing password changes made with the same current authKey through', async () => {
    const user = await api.register();
    const change = (newAuthKey: string) =>
      api.request('PUT', '/api/auth/password', {
        ...as(user),
        json: { currentAuthKey: user.authKey, newAuthKey, kdf: kdf(), classicalPrivEncrypted: b64(62), pqPrivEncrypted: b64(94), keyVersion: 1 },
      });
    const candidates = [b64(32), b64(32)];
    const answers = await Promise.all(candidates.map(change));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    const winner = candidates[answers.findIndex((a) => a.status === 200)];
    const logins = await Promise.all([user.authKey, ...candidates].map((authKey) => api.request('POST', '/api/auth/login', { json: { email: user.email, authKey } })));
    expect(logins.map((l) => l.status)).toEqual([user.authKey, ...candidates].map((k) => (k === winner ? 200 : 401)));
  });

  it('refuses a rotation that leaves a distinct version envelope out, naming it, and re-wraps every one when all are named', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    await api.upload(user, map.id, randomBytes(10));
    const rekeyed = envelope();
    expect((await api.request('PATCH', `/api/mindmaps/${map.id}`, { ...as(user), json: { envelope: rekeyed, keyVersion: 1 } })).status).toBe(200);
    await api.upload(user, map.id, randomBytes(20));
    const before = await versionsOf(user, map.id);
    expect(before.map((v) => v.envelope)).toEqual([rekeyed, map.envelope]);
    const keysBefore = await keysOf(user);

    const next = envelope();
    const partial = await rotate(user, { currentAuthKey: user.authKey, keys: keyBundle(), keyVersion: 2, maps: [{ id: map.id, envelope: next }] });
    expect(partial.status).toBe(400);
    expect(partial.body).toMatchObject({
      code: 'ROTATION_INCOMPLETE',
      missingMapIds: [],
      missingVersionEnvelopes: [{ mapId: map.id, wrappedDek: map.envelope.wrappedDek }],
    });
    const twice = await rotate(user, {
      currentAuthKey: user.authKey,
      keys: keyBundle(),
      keyVersion: 2,
      maps: [{ id: map.id, envelope: next, versionEnvelopes: [envelope(), envelope()].map((e) => ({ previousWrappedDek: map.envelope.wrappedDek, envelope: e })) }],
    });
    expect([twice.status, twice.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await versionsOf(user, map.id)).toEqual(before);
    expect(await keysOf(user)).toEqual(keysBefore);
    expect((await getMap(user, map.id)).envelope).toEqual(rekeyed);

    const forOld = envelope();
    const keys = keyBundle();
    const complete = await rotate(user, {
      currentAuthKey: user.authKey,
      keys,
      keyVersion: 2,
      // An entry for an envelope no version holds (pruned meanwhile) changes nothing.
      maps: [{ id: map.id, envelope: next, versionEnvelopes: [{ previousWrappedDek: map.envelope.wrappedDek, envelope: forOld }, { previousWrappedDek: b64(60), envelope: envelope() }] }],
    });
    expect(complete.status).toBe(200);
    expect((await versionsOf(user, map.id)).map((v) => v.envelope)).toEqual([next, forOld]);
    expect((await getMap(user, map.id)).envelope).toEqual(next);
    expect(await keysOf(user)).toEqual({ ...keys, keyVersion: 2 });
  });

  it("re-keys a map by envelope PATCH while old versions keep their envelopes, and a restore brings back the old version's own", async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const v1 = (await api.upload(user, map.id, randomBytes(10))).body.versionId;
    const fresh = envelope();
    expect((await api.request('PATCH', `/api/mindmaps/${map.id}`, { ...as(user), json: { envelope: fresh, keyVersion: 1 } })).status).toBe(200);
    const v2 = (await api.upload(user, map.id, randomBytes(11))).body.versionId;
    const restored = await api.request<{ versionId: string }>('POST', `/api/mindmaps/${map.id}/versions/${v1}/restore`, as(user));
    expect(restored.status).toBe(201);
    expect((await versionsOf(user, map.id)).map((v) => [v.versionId, v.envelope])).toEqual([
      [restored.body.versionId, map.envelope],
      [v2, fresh],
      [v1, map.envelope],
    ]);
    expect((await getMap(user, map.id)).envelope).toEqual(fresh);
  });

  it('refuses an upload encrypted for an envelope the map no longer has, also when the re-key lands while the upload waits for the map', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const upload = (wrappedDek: string) =>
      api.request<{ code?: string }>('PUT', `/api/mindmaps/${map.id}/blob`, { ...as(user), body: randomBytes(50), headers: { 'if-envelope-match': wrappedDek } });
    expect((await upload(map.envelope.wrappedDek)).status).toBe(201);
    const bad = await upload('not base64');
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);

    // A re-key commits while the upload, encrypted under the old key, waits for the map's row.
    const rekeyed = envelope();
    const usage = async () => Number((await t.db.pool.query('SELECT usage_bytes FROM user_usage WHERE user_id = $1', [user.userId])).rows[0].usage_bytes);
    const usageBefore = await usage();
    const waiting = async () =>
      Number((await t.db.pool.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].count);
    const rekey = await t.db.pool.connect();
    let racing: ReturnType<typeof upload>;
    try {
      await rekey.query('BEGIN');
      await rekey.query('UPDATE mind_maps SET env_wrapped_dek = $2 WHERE id = $1', [map.id, Buffer.from(rekeyed.wrappedDek, 'base64')]);
      racing = upload(map.envelope.wrappedDek);
      await eventually(async () => (await waiting()) >= 1);
    } finally {
      await rekey.query('COMMIT');
      rekey.release();
    }
    const raced = await racing;
    expect([raced.status, raced.body]).toEqual([412, expect.objectContaining({ code: 'ENVELOPE_CHANGED' })]);
    // And afterwards the early check refuses it before any byte is stored.
    const late = await upload(map.envelope.wrappedDek);
    expect([late.status, late.body.code]).toEqual([412, 'ENVELOPE_CHANGED']);

    expect((await versionsOf(user, map.id)).length).toBe(1);
    expect(await usage()).toBe(usageBefore);
    expect((await upload(rekeyed.wrappedDek)).status).toBe(201);
  });

  it("takes a client-chosen map id, and refuses one in use (the caller's or anyone's) with MAP_ID_TAKEN, changing nothing", async () => {
    const user = await api.register();
    const other = await api.register();
    const id = randomUUID();
    const body = () => ({ id, encryptedTitle: b64(40), envelope: envelope(), keyVersion: 1 });
    const created = await api.request<MapDetail>('POST', '/api/mindmaps', { ...as(user), json: body() });
    expect([created.status, created.body.id]).toEqual([201, id]);
    const before = await getMap(user, id);
    for (const who of [user, other]) {
      const again = await api.request('POST', '/api/mindmaps', { ...as(who), json: body() });
      expect([again.status, again.body.code]).toEqual([409, 'MAP_ID_TAKEN']);
    }
    expect(await getMap(user, id)).toEqual(before);
    expect(await mapCount(other)).toBe(0);
    const notUuid = await api.request('POST', '/api/mindmaps', { ...as(user), json: { ...body(), id: '../x' } });
    expect([notUuid.status, notUuid.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('serves a version-pinned link its version only: metadata and bytes, whatever the query asks for', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const bytes = [randomBytes(100), randomBytes(200), randomBytes(300)];
    const v1 = (await api.upload(user, map.id, bytes[0])).body.versionId;
    const v2 = (await api.upload(user, map.id, bytes[1])).body.versionId;
    const shareEnvelope = envelope();
    const share = await api.request<{ token: string }>('POST', `/api/mindmaps/${map.id}/shares`, {
      ...as(user),
      json: { envelope: shareEnvelope, keyVersion: 1, versionId: v1 },
    });
    expect(share.status).toBe(201);
    const v3 = (await api.upload(user, map.id, bytes[2])).body.versionId;

    const opened = await api.request('GET', `/api/public/shares/${share.body.token}?versionId=${v3}`);
    expect(opened.body).toEqual({ encryptedTitle: map.encryptedTitle, envelope: shareEnvelope, versionId: v1, sizeBytes: 100 });
    for (const query of ['', `?versionId=${v2}`, `?versionId=${v3}`]) {
      const blob = await api.request<Buffer>('GET', `/api/public/shares/${share.body.token}/blob${query}`);
      expect([blob.status, blob.headers.get('etag')]).toEqual([200, `"${v1}"`]);
      expect(blob.body.equals(bytes[0])).toBe(true);
    }
    // The owner's routes are not a way round: a link's token is no bearer token.
    const asLink = await api.request('GET', `/api/mindmaps/${map.id}/blob?versionId=${v2}`, { token: share.body.token });
    expect([asLink.status, asLink.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
