import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  MemoryTokenStore,
  MindvaultApi,
  openShareLink,
  SessionExpiredError,
  TamperingError,
  Vault,
  WrongPasswordError,
} from '../../client/src/index';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FAST_KDF, doc } from '../utils/sdk';

/** The SDK's flows against the real server: each one the way a second device would see it. */
describe('client SDK flows', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const fresh = () => new MindvaultApi({ baseUrl: t.baseUrl });
  const account = () => ({ email: `sdk-${randomBytes(6).toString('hex')}@example.com`, password: `pw ${randomBytes(6).toString('hex')}` });

  it('keeps history, pulls old versions, restores, and refuses a stale If-Match', async () => {
    const creds = account();
    const vault = await Vault.register(fresh(), creds, FAST_KDF);
    const map = await vault.createMap({ title: 'History' });
    const v1 = await vault.push(map.id, doc('one'));
    const v2 = await vault.push(map.id, doc('two'), { ifMatch: v1.versionId });
    const stale = await vault.push(map.id, doc('lost update'), { ifMatch: v1.versionId }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ApiError);
    expect((stale as ApiError).code).toBe('VERSION_CONFLICT');

    expect((await vault.history(map.id)).map((h) => [h.versionId, h.isHead])).toEqual([
      [v2.versionId, true],
      [v1.versionId, false],
    ]);
    expect((await vault.pull(map.id, { versionId: v1.versionId })).document.root.children[0]!.text).toBe('one');

    const restored = await vault.restore(map.id, v1.versionId);
    const head = await vault.pull(map.id);
    expect(head.versionId).toBe(restored.versionId);
    expect(head.document.root.children[0]!.text).toBe('one');
  });

  it('names versions: history opens every name of versions sharing one envelope, and refuses a name moved to another version', async () => {
    const vault = await Vault.register(fresh(), account(), FAST_KDF);
    const map = await vault.createMap({ title: 'Named' });
    const saves = [];
    for (const text of ['one', 'two', 'three', 'four']) saves.push(await vault.push(map.id, doc(text)));
    for (const [i, name] of ['Kick-off', 'Review', 'Final'].entries()) await vault.markVersion(map.id, saves[i]!.versionId, { label: name, pinned: true });
    const history = await vault.history(map.id);
    expect(history.map((h) => [h.label, h.pinned, h.isHead])).toEqual([
      [null, false, true],
      ['Final', true, false],
      ['Review', true, false],
      ['Kick-off', true, false],
    ]);
    // The server moves a name (its ciphertext) onto another version: the name is bound to its own.
    await t.db.pool.query('UPDATE map_versions SET encrypted_label = (SELECT encrypted_label FROM map_versions WHERE id = $1) WHERE id = $2', [saves[0]!.versionId, saves[3]!.versionId]);
    await expect(vault.history(map.id)).rejects.toBeInstanceOf(TamperingError);
  });

  it("opens a small map's head in one request, and downloads one over 256 KiB", async () => {
    const creds = account();
    const writer = await Vault.register(fresh(), creds, FAST_KDF);
    const small = await writer.createMap({ title: 'Small' });
    const big = await writer.createMap({ title: 'Big' });
    const smallSave = await writer.push(small.id, doc('a few words'));
    const bigSave = await writer.push(big.id, doc(randomBytes(200 * 1024).toString('base64')));

    const requests: string[] = [];
    const counted = new MindvaultApi({
      baseUrl: t.baseUrl,
      fetch: (input, init) => {
        requests.push(`${init.method ?? 'GET'} ${input.slice(t.baseUrl.length)}`);
        return fetch(input, init);
      },
    });
    const reader = await Vault.login(counted, creds, FAST_KDF);
    requests.length = 0;
    const pulled = await reader.pull(small.id);
    expect(pulled).toMatchObject({ versionId: smallSave.versionId, title: 'Small', seq: 1 });
    expect(pulled.document.root.children[0]!.text).toBe('a few words');
    expect(requests).toEqual([`GET /api/mindmaps/${small.id}?include=content`]);

    requests.length = 0;
    const pulledBig = await reader.pull(big.id);
    expect(pulledBig.versionId).toBe(bigSave.versionId);
    expect(requests).toEqual([
      `GET /api/mindmaps/${big.id}?include=content`,
      `GET /api/mindmaps/${big.id}/blob`,
      `GET /api/mindmaps/${big.id}/versions`,
    ]);
  });

  it('rotates the key pairs: every map, every old version and every share link still opens', async () => {
    const creds = account();
    const vault = await Vault.register(fresh(), creds, FAST_KDF);
    const a = await vault.createMap({ title: 'A' });
    const b = await vault.createMap({ title: 'B' });
    const old = await vault.push(a.id, doc('before rotation'));
    await vault.push(b.id, doc('b'));
    const link = await vault.share(a.id);

    expect(await vault.rotateKeys()).toEqual({ keyVersion: 2, maps: 2 });
    await vault.push(a.id, doc('after rotation'));

    const other = await Vault.login(fresh(), creds, FAST_KDF);
    expect((await other.listMaps()).map((m) => m.title).sort()).toEqual(['A', 'B']);
    expect((await other.pull(a.id)).document.root.children[0]!.text).toBe('after rotation');
    // The old version's recorded envelope is for the retired key pair; the map's opens it.
    expect((await other.pull(a.id, { versionId: old.versionId })).document.root.children[0]!.text).toBe('before rotation');
    expect((await openShareLink(link.url)).title).toBe('A');
    expect((await other.api.auth.keys()).keyVersion).toBe(2);
  });

  it('changes the password: other sessions end, the old password stops working, keys and maps stay', async () => {
    const creds = account();
    const device1 = fresh();
    const vault1 = await Vault.register(device1, creds, FAST_KDF);
    const map = await vault1.createMap({ title: 'Kept' });
    await vault1.push(map.id, doc('kept'));
    const device2 = fresh();
    await Vault.login(device2, creds, FAST_KDF);

    const wrong = await vault1.changePassword('not the password', 'new password').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(WrongPasswordError);
    await vault1.changePassword(creds.password, 'a brand new password');

    // Device 1 got a fresh pair and carries on; device 2's session is gone.
    expect((await vault1.pull(map.id)).title).toBe('Kept');
    await forceRefresh(device2);
    await expect(device2.auth.keys()).rejects.toBeInstanceOf(SessionExpiredError);

    const refused = await Vault.login(fresh(), creds, FAST_KDF).catch((e: unknown) => e);
    expect((refused as ApiError).code).toBe('INVALID_CREDENTIALS');
    const again = await Vault.login(fresh(), { ...creds, password: 'a brand new password' }, FAST_KDF);
    expect((await again.pull(map.id)).document.root.children[0]!.text).toBe('kept');
  });

  it('refreshes a refused access token once, even for many concurrent requests, and carries on', async () => {
    const creds = account();
    const device = fresh();
    await Vault.register(device, creds, FAST_KDF);
    const tokens = (await device.http.tokens())!;
    const store = new MemoryTokenStore({ ...tokens, accessToken: 'not-a-jwt' });
    const api = new MindvaultApi({ baseUrl: t.baseUrl, tokens: store });
    const answers = await Promise.all(Array.from({ length: 6 }, () => api.auth.keys()));
    expect(new Set(answers.map((a) => a.keyVersion))).toEqual(new Set([1]));
    const renewed = (await store.load())!;
    expect(renewed.refreshToken).not.toBe(tokens.refreshToken);
    // Had the client refreshed twice, the server would have revoked the family: it did not.
    expect((await api.auth.keys()).keyVersion).toBe(1);
  });

  it('unlocks a device that still holds a session from the password alone, and refuses a wrong one', async () => {
    const creds = account();
    const device = fresh();
    await Vault.register(device, creds, FAST_KDF);
    const unlocked = await Vault.unlock(device, creds, FAST_KDF);
    expect(await unlocked.listMaps()).toEqual([]);
    await expect(Vault.unlock(device, { ...creds, password: 'wrong' }, FAST_KDF)).rejects.toBeInstanceOf(WrongPasswordError);
  });

  it('stops opening a share link once it is revoked', async () => {
    const vault = await Vault.register(fresh(), account(), FAST_KDF);
    const map = await vault.createMap({ title: 'Shared' });
    await vault.push(map.id, doc('shared'));
    const link = await vault.share(map.id);
    expect((await openShareLink(link.url)).document.root.children[0]!.text).toBe('shared');
    await vault.api.shares.revoke(map.id, link.shareId);
    await expect(openShareLink(link.url)).rejects.toMatchObject({ status: 404, code: 'SHARE_NOT_FOUND' });
  });
});

/** Makes the next bearer request refresh, by spoiling the held access token. */
async function forceRefresh(api: MindvaultApi): Promise<void> {
  const tokens = (await api.http.tokens())!;
  await api.http.setTokens({ ...tokens, accessToken: 'spoiled' });
}
