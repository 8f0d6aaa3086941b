import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountKeyPairs,
  ApiError,
  changePassword,
  decryptDocument,
  decryptTitle,
  deriveLoginKeys,
  encryptTitle,
  generateDek,
  type MindMapDocument,
  MindvaultApi,
  rotateAccountKeys,
  unlockKeyBundle,
  unwrapOwnerDek,
  Vault,
  wrapOwnerDek,
} from '../../client/src/index';
import { eventually } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FAST_KDF, doc } from '../utils/sdk';
const textOf = (d: MindMapDocument) => d.root.children[0]!.text;

/** `fn` over `items`, `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(fn))));
  return out;
}

/**
 * Key lifecycle through the SDK against the real server: after a rotation the new keys alone open
 * every version of every map, and nothing written for retired keys survives a rotation, however
 * the writes race it.
 */
describe('key lifecycle', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Room for the 300-map account on the free plan.
    t = await createTestApp({ env: { MAX_MAPS_FREE: '1000' } });
  });
  afterAll(() => t?.close());

  const account = () => ({ email: `keys-${randomBytes(6).toString('hex')}@example.com`, password: `pw ${randomBytes(6).toString('hex')}` });
  const device = (fetch?: typeof globalThis.fetch) => new MindvaultApi({ baseUrl: t.baseUrl, ...(fetch ? { fetch } : {}) });

  interface Keys {
  userId: string;
  keyPairs: AccountKeyPairs;
  keyVersion: number;
  authKey: string;
  kek: Uint8Array;
}

  /** Keys as a fresh device derives them: the password and the server's current bundle, nothing remembered. */
  async function currentKeys(api: MindvaultApi, creds: { email: string; password: string }, userId: string): Promise<Keys> {
    const params = await api.auth.prelogin(creds.email);
    const login = await deriveLoginKeys({ ...creds, params }, FAST_KDF);
    const bundle = await api.auth.keys();
    const { keyPairs } = await unlockKeyBundle(bundle, login.keyEncryptionKey);
    return { userId, keyPairs, keyVersion: bundle.keyVersion, authKey: login.authKey, kek: login.keyEncryptionKey };
  }

  /**
   * Every version of every map, each opened with the envelope recorded for it and `keys` alone: no
   * fallback to the map's envelope, no retired key pair.
   */
  async function openEverything(api: MindvaultApi, keys: Keys): Promise<Record<string, { title: string; versions: string[] }>> {
    const out: Record<string, { title: string; versions: string[] }> = {};
    for (const map of await api.mindmaps.listAll()) {
      const context = { userId: keys.userId, mapId: map.id };
      const { dek } = await unwrapOwnerDek(map.envelope, keys.keyPairs, { ...context, keyVersion: keys.keyVersion });
      const { title } = await decryptTitle(map.encryptedTitle, { ...context, dek });
      const versions: string[] = [];
      for (const v of await api.mindmaps.versions(map.id)) {
        const opened = await unwrapOwnerDek(v.envelope, keys.keyPairs, { ...context, keyVersion: keys.keyVersion });
        const bytes = (await api.mindmaps.download(map.id, { versionId: v.versionId })).bytes;
        versions.push(textOf((await decryptDocument(bytes, { ...context, dek: opened.dek })).document));
      }
      out[map.id] = { title, versions };
    }
    return out;
  }

  /** A map created the way a device holding `keys` would (bound to an id it picks); its id, or the refusal. */
  async function createWith(api: MindvaultApi, keys: Keys, title: string): Promise<string | ApiError> {
    const id = randomUUID();
    const dek = generateDek();
    const bound = { userId: keys.userId, mapId: id };
    try {
      const body = {
        id,
        encryptedTitle: await encryptTitle(title, 1, { ...bound, dek }),
        envelope: await wrapOwnerDek(dek, 1, keys.keyPairs, { ...bound, keyVersion: keys.keyVersion }),
        keyVersion: keys.keyVersion,
      };
      return (await api.mindmaps.create(body)).id;
    } catch (error) {
      if (error instanceof ApiError) return error;
      throw error;
    }
  }

  it('re-wraps every distinct version envelope in the rotation: afterwards the new keys alone open every version of every map', async () => {
    const creds = account();
    const api = device();
    const vault = await Vault.register(api, creds, FAST_KDF);
    const a = await vault.createMap({ title: 'A' });
    const b = await vault.createMap({ title: 'B' });
    await vault.createMap({ title: 'C (never saved)' });
    const a1 = await vault.push(a.id, doc('a1'));
    await vault.push(a.id, doc('a2'));
    await vault.push(b.id, doc('b1'));
    // Re-key A as revoking a link does: a fresh data key for what is saved afterwards.
    const before = await currentKeys(api, creds, vault.userId);
    const link = await vault.share(a.id);
    await vault.revokeShare(a.id, link.shareId);
    await vault.push(a.id, doc('a3'));
    await vault.restore(a.id, a1.versionId);
    expect(new Set((await api.mindmaps.versions(a.id)).map((v) => v.envelope.wrappedDek)).size).toBe(2);

    expect(await vault.rotateKeys()).toEqual({ keyVersion: 2, maps: 3 });

    // A fresh device with its own session: log in, then open with the new keys only.
    const other = device();
    await Vault.login(other, creds, FAST_KDF);
    const keys = await currentKeys(other, creds, vault.userId);
    expect(keys.keyVersion).toBe(2);
    const opened = await openEverything(other, keys);
    expect(Object.values(opened).sort((x, y) => x.title.localeCompare(y.title))).toEqual([
      { title: 'A', versions: ['a1', 'a3', 'a2', 'a1'] },
      { title: 'B', versions: ['b1'] },
      { title: 'C (never saved)', versions: [] },
    ]);
    // And the retired keys open nothing any more.
    for (const v of await other.mindmaps.versions(a.id)) {
      await expect(unwrapOwnerDek(v.envelope, before.keyPairs, { userId: vault.userId, mapId: a.id, keyVersion: 1 })).rejects.toThrow();
    }
  });

  it('refuses a password change that re-seals the private keys of before a rotation, leaving keys and login as they were', async () => {
    const creds = account();
    const stale = device();
    const vault = await Vault.register(stale, creds, FAST_KDF);
    const map = await vault.createMap({ title: 'Kept' });
    await vault.push(map.id, doc('kept'));
    const bundleBefore = await stale.auth.keys();
    const rotating = device();
    await (await Vault.login(rotating, creds, FAST_KDF)).rotateKeys();

    // The stale device re-seals the keyVersion 1 private keys under a new password.
    const change = await changePassword(
      { email: creds.email, currentPassword: creds.password, currentKdf: await stale.auth.prelogin(creds.email), bundle: bundleBefore, newPassword: 'new password' },
      FAST_KDF,
    );
    const refused = await stale.auth.changePassword(change.request).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect([(refused as ApiError).status, (refused as ApiError).code, (refused as ApiError).body]).toEqual([
      409,
      'KEY_VERSION_CONFLICT',
      expect.objectContaining({ currentKeyVersion: 2 }),
    ]);

    // Nothing changed: the old password still opens the account's (new) keys and the map.
    const again = await Vault.login(device(), creds, FAST_KDF);
    expect(textOf((await again.pull(map.id)).document)).toBe('kept');
    const wrong = await Vault.login(device(), { ...creds, password: 'new password' }, FAST_KDF).catch((e: unknown) => e);
    expect((wrong as ApiError).code).toBe('INVALID_CREDENTIALS');
    // The vault's own flow re-seals the current keys and goes through.
    await vault.changePassword(creds.password, 'new password');
    const renewed = await Vault.login(device(), { ...creds, password: 'new password' }, FAST_KDF);
    expect(textOf((await renewed.pull(map.id)).document)).toBe('kept');
  });

  it('makes a map created while a rotation holds the account lock wait for it, then refuses it as stale: nothing is left for the retired keys', async () => {
    const creds = account();
    const owner = device();
    const vault = await Vault.register(owner, creds, FAST_KDF);
    await inBatches(Array.from({ length: 40 }, (_, i) => `map ${i}`), 8, (title) => vault.createMap({ title }));
    const old = await currentKeys(owner, creds, vault.userId);
    const maps = await owner.mindmaps.listAll();
    const rotation = await rotateAccountKeys({
      userId: vault.userId,
      currentKeyPairs: old.keyPairs,
      currentKeyVersion: 1,
      keyEncryptionKey: old.kek,
      maps: maps.map((m) => ({ id: m.id, envelope: m.envelope, versionEnvelopes: [] })),
    });
    const request = {
      currentAuthKey: old.authKey,
      keys: rotation.keys,
      keyVersion: rotation.keyVersion,
      maps: rotation.maps.map((m) => ({ id: m.id, envelope: m.envelope })),
    };
    const other = device();
    await Vault.login(other, creds, FAST_KDF);

    // Freeze the rotation inside its transaction: the test holds one of the maps' rows.
    const waiting = async () =>
      Number((await t.db.pool.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].count);
    const blocker = await t.db.pool.connect();
    let creates: Promise<string | ApiError>[] = [];
    let rotated: Promise<unknown>;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM mind_maps WHERE id = $1 FOR UPDATE', [maps[maps.length - 1]!.id]);
      rotated = owner.auth.rotateKeys(request).catch((e: unknown) => e);
      await eventually(async () => (await waiting()) >= 1);
      // Another device, still on keyVersion 1, creates maps while the rotation is under way.
      creates = Array.from({ length: 8 }, (_, i) => createWith(other, old, `racer ${i}`));
      let settled = 0;
      for (const c of creates) void c.finally(() => settled++);
      await eventually(async () => settled === creates.length || (await waiting()) >= 1 + creates.length);
    } finally {
      await blocker.query('COMMIT');
      blocker.release();
    }

    expect(await rotated).toMatchObject({ keyVersion: 2 });
    for (const outcome of await Promise.all(creates)) {
      expect(outcome).toBeInstanceOf(ApiError);
      expect([(outcome as ApiError).code, (outcome as ApiError).body]).toEqual(['KEY_VERSION_CONFLICT', expect.objectContaining({ currentKeyVersion: 2 })]);
    }
    const opened = await openEverything(owner, await currentKeys(owner, creds, vault.userId));
    expect(Object.keys(opened).sort()).toEqual(maps.map((m) => m.id).sort());
  });

  it('a rotation of 300 maps raced by map creations from another device: each creation lands wholly before it or is refused, and the final keys open every map', async () => {
    const creds = account();
    let putStarted!: () => void;
    const firstPut = new Promise<void>((resolve) => (putStarted = resolve));
    let puts = 0;
    const owner = device((input, init) => {
      if (init?.method === 'PUT' && String(input).endsWith('/api/auth/keys')) {
        puts++;
        putStarted();
      }
      return globalThis.fetch(input, init);
    });
    const vault = await Vault.register(owner, creds, FAST_KDF);
    await inBatches(Array.from({ length: 300 }, (_, i) => `map ${i}`), 16, (title) => vault.createMap({ title }));
    const old = await currentKeys(owner, creds, vault.userId);
    const other = device();
    await Vault.login(other, creds, FAST_KDF);

    let done = false;
    const rotation = vault
      .rotateKeys()
      .then((r) => r, (e: unknown) => e)
      .finally(() => (done = true));
    const race = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => createWith(other, old, `racer ${i}`)));
    // The other device, still on keyVersion 1, creates: once as the rotation request goes out...
    await firstPut;
    const outcomes = await race(1);
    const sent = puts;
    // ...a burst while the next rotation attempt's transaction holds rows (it has an xid from its first row lock)...
    const inTransaction = async () =>
      Number((await t.db.pool.query('SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()')).rows[0].count) > 0;
    while (!done) {
      if ((await inTransaction()) && puts > sent) {
        outcomes.push(...(await race(6)));
        break;
      }
    }
    let result = await rotation;
    if (result instanceof ApiError && result.code === 'ROTATION_INCOMPLETE') {
      // Every attempt met a map created after its listing; with the racing over, one more goes through.
      result = await vault.rotateKeys();
    }
    expect(result).toMatchObject({ keyVersion: 2 });
    // ...and once after it.
    outcomes.push(...(await race(1)));

    const created = outcomes.filter((o): o is string => typeof o === 'string');
    const refused = outcomes.filter((o): o is ApiError => o instanceof ApiError);
    for (const error of refused) expect([error.code, error.body]).toEqual(['KEY_VERSION_CONFLICT', expect.objectContaining({ currentKeyVersion: 2 })]);
    expect(created.length + refused.length).toBe(outcomes.length);
    expect(outcomes[outcomes.length - 1]).toBeInstanceOf(ApiError);

    // Every map there is, the 300 and each creation that was accepted, opens with the final keys;
    // a refused creation left nothing behind.
    const final = await currentKeys(owner, creds, vault.userId);
    expect(final.keyVersion).toBe(2);
    const opened = await openEverything(owner, final);
    expect(Object.keys(opened).length).toBe(300 + created.length);
    for (const id of created) expect(opened[id]?.title).toMatch(/^racer /);
  });
});
