import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountKeyPairs,
  createDocument,
  decryptDocument,
  deriveAccountKeys,
  type Envelope,
  fromBase64,
  generateDek,
  INSECURE_TEST_KDF_POLICY,
  KdfPolicyError,
  MemoryDeviceStateStore,
  type MindMapDocument,
  MindvaultApi,
  openLinkShare,
  openShareLink,
  parseShareUrl,
  RollbackError,
  TamperingError,
  toBase64,
  Vault,
  wrapOwnerDek,
} from '../../client/src/index';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FAST_KDF } from '../utils/sdk';

/**
 * The adversarial suite: each test plays a hostile server (direct writes to its database) or the
 * holder of a stolen access token (raw HTTP), against the real server and the real SDK or CLI,
 * and checks that the client refuses, names the map, and uploads nothing. See docs/crypto.md §1.
 */
const BIN = resolve(__dirname, '../../client/bin/mindvault.js');

interface Account {
  email: string;
  password: string;
  vault: Vault;
  /** This device's memory (rollback detection). */
  state: MemoryDeviceStateStore;
}

describe('a malicious server (or a stolen token) against the v2 client', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const sql = (text: string, params: unknown[] = []) => t.db.pool.query(text, params);

  async function account(): Promise<Account> {
    const email = `adv-${randomBytes(5).toString('hex')}@example.com`;
    const password = `adversarial ${randomBytes(5).toString('hex')}`;
    const state = new MemoryDeviceStateStore();
    const vault = await Vault.register(new MindvaultApi({ baseUrl: t.baseUrl }), { email, password }, { ...FAST_KDF, state });
    return { email, password, vault, state };
  }

  /** Another device of the same account: its own memory unless one is given. */
  function login(a: Account, state = new MemoryDeviceStateStore()): Promise<Vault> {
    return Vault.login(new MindvaultApi({ baseUrl: t.baseUrl }), { email: a.email, password: a.password }, { ...FAST_KDF, state });
  }

  async function mapWithVersions(a: Account, count: number, title = 'Adversarial plans') {
    const map = await a.vault.createMap({ title });
    const versionIds: string[] = [];
    for (let i = 1; i <= count; i++) versionIds.push((await a.vault.push(map.id, doc(`version ${i}`))).versionId);
    return { mapId: map.id, versionIds };
  }

  async function stolenToken(vault: Vault): Promise<string> {
    return (await vault.api.http.tokens())!.accessToken;
  }

  async function raw(method: string, path: string, token: string, body?: unknown): Promise<Response> {
    return fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  /**
   * What anyone holding only the owner's public keys can make: a DEK of their choosing wrapped to
   * those keys (the owner can decapsulate it) with a MAC under a key that is not the owner's.
   */
  async function plantedEnvelope(vault: Vault, mapId: string): Promise<{ envelope: Envelope; dek: Uint8Array }> {
    const bundle = await vault.api.auth.keys();
    const impostor: AccountKeyPairs = {
      classical: { publicKey: fromBase64(bundle.classicalPublicKey), secretKey: randomBytes(32) },
      pq: { publicKey: fromBase64(bundle.pqPublicKey), seed: randomBytes(64), secretKey: new Uint8Array(0) },
    };
    const dek = generateDek();
    return { dek, envelope: await wrapOwnerDek(dek, 2, impostor, { userId: vault.userId, mapId, keyVersion: bundle.keyVersion }) };
  }

  async function versionCount(mapId: string): Promise<number> {
    return Number((await sql('SELECT count(*) AS n FROM map_versions WHERE map_id = $1', [mapId])).rows[0].n);
  }

  async function refusal(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => error,
    );
  }

  it('planted envelope via PATCH with a stolen access token: push refuses, names the map, uploads nothing', async () => {
    const owner = await account();
    const { mapId } = await mapWithVersions(owner, 1);
    const { envelope } = await plantedEnvelope(owner.vault, mapId);
    const token = await stolenToken(owner.vault);
    const bundle = await owner.vault.api.auth.keys();
    const patched = await raw('PATCH', `/api/mindmaps/${mapId}`, token, { envelope, keyVersion: bundle.keyVersion });
    expect(patched.status).toBe(200);

    const error = await refusal(owner.vault.push(mapId, doc('secret written after the attack')));
    expect(error).toBeInstanceOf(TamperingError);
    expect(error).toMatchObject({ item: 'envelope', mapId, code: 'TAMPERING_DETECTED' });
    expect((error as Error).message).toContain(mapId);
    expect(await versionCount(mapId)).toBe(1);
    // A second device, which never saw the map, refuses it just the same.
    await expect(login(owner).then((v) => v.push(mapId, doc('x')))).rejects.toMatchObject({ name: 'TamperingError', item: 'envelope' });
    expect(await versionCount(mapId)).toBe(1);
  });

  it('a v1-shaped (unauthenticated) envelope is refused without being opened, nothing uploaded', async () => {
    const owner = await account();
    const { mapId } = await mapWithVersions(owner, 1);
    const { envelope } = await plantedEnvelope(owner.vault, mapId);
    // 60 bytes, the unauthenticated v1 shape.
    const v1Shaped = { ...envelope, wrappedDek: toBase64(fromBase64(envelope.wrappedDek).subarray(5, 65)) };
    await sql('UPDATE mind_maps SET env_wrapped_dek = $2 WHERE id = $1', [mapId, Buffer.from(fromBase64(v1Shaped.wrappedDek))]);
    await expect(owner.vault.push(mapId, doc('x'))).rejects.toMatchObject({ name: 'TamperingError', item: 'envelope', mapId });
    expect(await versionCount(mapId)).toBe(1);
  });

  it('the CLI says a rollback in plain words, and for a planted envelope "this map\'s key was not set by you: refusing to save", exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mindvault-adv-'));
    try {
      const email = `adv-cli-${randomBytes(5).toString('hex')}@example.com`;
      const env = { MINDVAULT_CONFIG_DIR: dir, MINDVAULT_INSECURE_TEST_KDF: '1', MINDVAULT_PASSWORD: 'cli adversary' };
      expect((await cli(['register', '--email', email, '--server', t.baseUrl], env)).code).toBe(0);
      const created = await cli(['new', 'CLI map'], env);
      expect(created.code, created.stderr).toBe(0);
      const mapId = created.stdout.trim();
      const docFile = join(dir, 'map.md');
      await writeFile(docFile, 'Root\n  - child\n');
      expect((await cli(['push', docFile, '--map', mapId], env)).code).toBe(0);
      const before = await versionCount(mapId);

      // Rollback first: the server moves the head back to the first version; the CLI says so.
      const head = (await sql('SELECT head_version_id FROM mind_maps WHERE id = $1', [mapId])).rows[0].head_version_id as string;
      const first = (await sql('SELECT id FROM map_versions WHERE map_id = $1 ORDER BY seq LIMIT 1', [mapId])).rows[0].id as string;
      await sql('UPDATE mind_maps SET head_version_id = $2 WHERE id = $1', [mapId, first]);
      const rolledBack = await cli(['pull', mapId], env);
      expect(rolledBack.code).toBe(1);
      expect(rolledBack.stderr).toContain('the server presents an older version as the newest');
      expect(rolledBack.stdout).toBe('');
      await sql('UPDATE mind_maps SET head_version_id = $2 WHERE id = $1', [mapId, head]);
      expect((await cli(['pull', mapId], env)).code).toBe(0);

      // The thief reads the access token out of a copied config.json.
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { session: { accessToken: string } };
      const owner = await Vault.unlock(new MindvaultApi({ baseUrl: t.baseUrl, tokens: tokenStore(config.session) }), { email, password: 'cli adversary' }, FAST_KDF);
      const { envelope } = await plantedEnvelope(owner, mapId);
      expect((await raw('PATCH', `/api/mindmaps/${mapId}`, config.session.accessToken, { envelope, keyVersion: 1 })).status).toBe(200);

      const push = await cli(['push', docFile, '--map', mapId], env);
      expect(push.code, push.stderr).toBe(1);
      expect(push.stderr).toContain("this map's key was not set by you: refusing to save");
      expect(push.stderr).toContain(mapId);
      expect(await versionCount(mapId)).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('one planted envelope does not block the CLI: ls lists the sound maps and marks it, rotate-keys names it and the way out, rm --force deletes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mindvault-adv-'));
    try {
      const email = `adv-ls-${randomBytes(5).toString('hex')}@example.com`;
      const env = { MINDVAULT_CONFIG_DIR: dir, MINDVAULT_INSECURE_TEST_KDF: '1', MINDVAULT_PASSWORD: 'cli adversary' };
      expect((await cli(['register', '--email', email, '--server', t.baseUrl], env)).code).toBe(0);
      const ids: string[] = [];
      for (const title of ['Sound one', 'Planted', 'Sound two']) {
        const created = await cli(['new', title], env);
        expect(created.code, created.stderr).toBe(0);
        ids.push(created.stdout.trim());
      }
      const [sound1, planted, sound2] = ids as [string, string, string];
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { session: { accessToken: string } };
      const owner = await Vault.unlock(new MindvaultApi({ baseUrl: t.baseUrl, tokens: tokenStore(config.session) }), { email, password: 'cli adversary' }, FAST_KDF);
      const { envelope } = await plantedEnvelope(owner, planted);
      expect((await raw('PATCH', `/api/mindmaps/${planted}`, config.session.accessToken, { envelope, keyVersion: 1 })).status).toBe(200);

      // The SDK: each map verified on its own; listMaps still refuses the whole list.
      const checked = await owner.checkMaps();
      expect(checked.map((m) => [m.id, m.title, m.refusal?.name ?? null])).toEqual(
        expect.arrayContaining([
          [sound1, 'Sound one', null],
          [planted, null, 'TamperingError'],
          [sound2, 'Sound two', null],
        ]),
      );
      await expect(owner.listMaps()).rejects.toMatchObject({ name: 'TamperingError', mapId: planted });

      const ls = await cli(['ls'], env);
      expect(ls.code, ls.stderr).toBe(0);
      const lines = ls.stdout.trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines.find((l) => l.startsWith(sound1))).toMatch(/ Sound one$/);
      expect(lines.find((l) => l.startsWith(sound2))).toMatch(/ Sound two$/);
      expect(lines.find((l) => l.startsWith(planted))).toMatch(/! not verified: this map's key was not set by you$/);
      expect(ls.stderr).toContain('warning: 1 map failed verification');
      expect(ls.stderr).toContain('mindvault rm --force ID');

      const rotate = await cli(['rotate-keys'], env);
      expect(rotate.code).toBe(1);
      expect(rotate.stderr).toContain(`map ${planted} blocks the rotation: this map's key was not set by you`);
      expect(rotate.stderr).toContain('Nothing was changed');
      expect(rotate.stderr).toContain(`mindvault rm --force ${planted}`);
      expect((await owner.api.auth.keys()).keyVersion).toBe(1);

      // rm without --force opens the map first, so it refuses and says how to force it.
      const refused = await cli(['rm', planted], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`\`mindvault rm --force ${planted}\``);
      expect((await sql('SELECT count(*)::int AS n FROM mind_maps WHERE id = $1', [planted])).rows[0].n).toBe(1);

      const forced = await cli(['rm', '--force', planted], env);
      expect(forced.code, forced.stderr).toBe(0);
      expect((await sql('SELECT count(*)::int AS n FROM mind_maps WHERE id = $1', [planted])).rows[0].n).toBe(0);
      // A sound map is removed without --force, named by its title.
      const removed = await cli(['rm', sound2], env);
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stderr).toContain('deleted "Sound two"');

      const rotated = await cli(['rotate-keys'], env);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(rotated.stdout.trim()).toBe('keyVersion 2');
      const after = await cli(['ls'], env);
      expect(after.code).toBe(0);
      expect(after.stdout.trim()).toMatch(new RegExp(`^${sound1} .* Sound one$`));
      expect(after.stderr).not.toContain('warning: ');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('planted title: refused when listed, opened or pulled', async () => {
    const owner = await account();
    const { mapId } = await mapWithVersions(owner, 1, 'The real title');
    const other = await owner.vault.createMap({ title: 'Another map' });
    // The server puts another map's (authentic) title on this one.
    await sql('UPDATE mind_maps SET encrypted_title = (SELECT encrypted_title FROM mind_maps WHERE id = $2) WHERE id = $1', [mapId, other.id]);
    await expect(owner.vault.getMap(mapId)).rejects.toMatchObject({ name: 'TamperingError', item: 'title', mapId });
    await expect(owner.vault.pull(mapId)).rejects.toMatchObject({ name: 'TamperingError', item: 'title', mapId });
    await expect(owner.vault.listMaps()).rejects.toBeInstanceOf(TamperingError);
    // And a title made up from scratch, via a stolen token.
    await raw('PATCH', `/api/mindmaps/${mapId}`, await stolenToken(owner.vault), { encryptedTitle: toBase64(randomBytes(60)) });
    await expect(owner.vault.getMap(mapId)).rejects.toMatchObject({ name: 'TamperingError', item: 'title' });
  });

  it('planted key bundle: login refuses it, so nothing is ever wrapped to the server\'s keys', async () => {
    const owner = await account();
    const intruder = await account();
    // The server serves the intruder's bundle (its keys, sealed under its password) as the owner's.
    await sql(
      `UPDATE users SET (classical_public_key, pq_public_key, classical_priv_encrypted, pq_priv_encrypted) =
         (SELECT classical_public_key, pq_public_key, classical_priv_encrypted, pq_priv_encrypted FROM users WHERE id = $2)
       WHERE id = $1`,
      [owner.vault.userId, intruder.vault.userId],
    );
    const error = await refusal(login(owner));
    expect(error).toBeInstanceOf(TamperingError);
    expect(error).toMatchObject({ item: 'key-bundle', mapId: null });
    // Public keys swapped under the owner's own sealed private keys: caught by re-deriving them.
    const fresh = await account();
    await sql('UPDATE users SET classical_public_key = (SELECT classical_public_key FROM users WHERE id = $2) WHERE id = $1', [fresh.vault.userId, intruder.vault.userId]);
    await expect(login(fresh)).rejects.toMatchObject({ name: 'TamperingError', item: 'key-bundle' });
  });

  it('swap of envelope + title + blob between two maps of one user: refused', async () => {
    const owner = await account();
    const a = await mapWithVersions(owner, 1, 'Map A');
    const b = await mapWithVersions(owner, 1, 'Map B');
    await copyKeyAndTitle(b.mapId, a.mapId);
    await swapHeadContent(a.versionIds[0]!, b.versionIds[0]!);
    const error = await refusal(owner.vault.pull(a.mapId));
    expect(error).toMatchObject({ name: 'TamperingError', item: 'envelope', mapId: a.mapId });
    await expect(owner.vault.push(a.mapId, doc('x'))).rejects.toMatchObject({ name: 'TamperingError', item: 'envelope' });
    // The blob alone, under the map's own (authentic) key: the content is refused.
    const c = await mapWithVersions(owner, 1, 'Map C');
    const d = await mapWithVersions(owner, 1, 'Map D');
    await swapHeadContent(c.versionIds[0]!, d.versionIds[0]!);
    await expect(owner.vault.pull(c.mapId)).rejects.toMatchObject({ name: 'TamperingError', mapId: c.mapId });
  });

  it('swap of envelope + title + blob between two users: refused', async () => {
    const alice = await account();
    const mallory = await account();
    const a = await mapWithVersions(alice, 1, 'Alice map');
    const m = await mapWithVersions(mallory, 1, 'Mallory map');
    await copyKeyAndTitle(m.mapId, a.mapId);
    await swapHeadContent(a.versionIds[0]!, m.versionIds[0]!);
    await expect(alice.vault.pull(a.mapId)).rejects.toMatchObject({ name: 'TamperingError', item: 'envelope', mapId: a.mapId });
    await expect(alice.vault.push(a.mapId, doc('x'))).rejects.toMatchObject({ name: 'TamperingError' });
    expect(await versionCount(a.mapId)).toBe(1);
  });

  it('old head served as current (rollback): pull and push both say so; history browsing is not flagged', async () => {
    const owner = await account();
    const { mapId, versionIds } = await mapWithVersions(owner, 3);
    expect((await owner.vault.pull(mapId)).seq).toBe(3);

    // History browsing: an old version on purpose is not a rollback.
    const old = await owner.vault.pull(mapId, { versionId: versionIds[0]! });
    expect(old).toMatchObject({ seq: 1, versionId: versionIds[0] });
    expect(old.document.root.text).toBe('version 1');
    expect((await owner.vault.pull(mapId)).seq).toBe(3);

    // The server moves the head back to version 1.
    await sql('UPDATE mind_maps SET head_version_id = $2 WHERE id = $1', [mapId, versionIds[0]]);
    const error = await refusal(owner.vault.pull(mapId));
    expect(error).toBeInstanceOf(RollbackError);
    expect(error).toMatchObject({ item: 'head', mapId, seen: 3, served: 1, code: 'ROLLBACK_DETECTED' });
    await expect(owner.vault.push(mapId, doc('on top of the old head'))).rejects.toMatchObject({ name: 'RollbackError', item: 'head' });
    expect(await versionCount(mapId)).toBe(3);
    // Or it claims the map has no content at all.
    await sql('UPDATE mind_maps SET head_version_id = NULL WHERE id = $1', [mapId]);
    await expect(owner.vault.pull(mapId)).rejects.toMatchObject({ name: 'RollbackError', item: 'head', served: 0 });
    await expect(owner.vault.push(mapId, doc('x'))).rejects.toMatchObject({ name: 'RollbackError', item: 'head', served: 0 });
  });

  it('older key bundle served as current (rollback after a rotation): detected', async () => {
    const owner = await account();
    await mapWithVersions(owner, 1);
    const before = (await sql('SELECT classical_public_key, pq_public_key, classical_priv_encrypted, pq_priv_encrypted FROM users WHERE id = $1', [owner.vault.userId])).rows[0];
    expect((await owner.vault.rotateKeys()).keyVersion).toBe(2);
    // The server restores the keyVersion 1 bundle (authentic, sealed by the same password).
    await sql(
      'UPDATE users SET classical_public_key = $2, pq_public_key = $3, classical_priv_encrypted = $4, pq_priv_encrypted = $5, key_version = 1 WHERE id = $1',
      [owner.vault.userId, before.classical_public_key, before.pq_public_key, before.classical_priv_encrypted, before.pq_priv_encrypted],
    );
    const error = await refusal(login(owner, owner.state));
    expect(error).toBeInstanceOf(RollbackError);
    expect(error).toMatchObject({ item: 'key-bundle', seen: 2, served: 1 });
    // Relabelled as keyVersion 2 instead, the old blobs do not open (keyVersion is in their AAD).
    await sql('UPDATE users SET key_version = 2 WHERE id = $1', [owner.vault.userId]);
    await expect(login(owner, owner.state)).rejects.toMatchObject({ name: 'TamperingError', item: 'key-bundle' });
  });

  it('a version-pinned link opens that version only, even when the server serves another', async () => {
    const owner = await account();
    const { mapId, versionIds } = await mapWithVersions(owner, 2);
    const share = await owner.vault.share(mapId, { versionId: versionIds[0]! });
    const opened = await openShareLink(share.url);
    expect(opened).toMatchObject({ versionId: versionIds[0], title: 'Adversarial plans' });
    expect(opened.document.root.text).toBe('version 1');

    // The link's keys alone cannot open version 2, whoever hands it the bytes.
    const { linkKey } = parseShareUrl(share.url);
    const publicShare = (await (await fetch(`${t.baseUrl}/api/public/shares/${share.token}`)).json()) as { envelope: Envelope };
    const keys = await openLinkShare(publicShare.envelope, linkKey);
    expect(keys.kind).toBe('version');
    const v2 = await owner.vault.api.mindmaps.download(mapId, { versionId: versionIds[1]! });
    if (keys.kind !== 'version') throw new Error('unreachable');
    await expect(decryptDocument(v2.bytes, { userId: keys.userId, mapId, contentKey: keys.contentKey })).rejects.toMatchObject({ name: 'DecryptionError' });

    // The server repins the link to version 2: the reader refuses.
    await sql('UPDATE shares SET version_id = $2 WHERE map_id = $1', [mapId, versionIds[1]]);
    await expect(openShareLink(share.url)).rejects.toMatchObject({ name: 'TamperingError', item: 'share' });
  });

  it('a revoked link cannot read versions saved after the revocation, even with the server\'s help', async () => {
    const owner = await account();
    const { mapId } = await mapWithVersions(owner, 1);
    const share = await owner.vault.share(mapId);
    expect((await openShareLink(share.url)).document.root.text).toBe('version 1');
    // What the link holder keeps: the link key, and the share envelope it once fetched.
    const { linkKey } = parseShareUrl(share.url);
    const { envelope } = (await (await fetch(`${t.baseUrl}/api/public/shares/${share.token}`)).json()) as { envelope: Envelope };

    await owner.vault.revokeShare(mapId, share.shareId);
    expect((await fetch(`${t.baseUrl}/api/public/shares/${share.token}`)).status).toBe(404);
    const saved = await owner.vault.push(mapId, doc('written after the revocation'));

    // The server hands the new version's bytes to the revoked link's holder.
    const bytes = (await owner.vault.api.mindmaps.download(mapId, { versionId: saved.versionId })).bytes;
    const keys = await openLinkShare(envelope, linkKey);
    if (keys.kind !== 'map') throw new Error('expected a map link');
    await expect(decryptDocument(bytes, { userId: keys.userId, mapId, dek: keys.dek })).rejects.toMatchObject({ name: 'DecryptionError' });
    // The owner still reads both versions: the old one keeps its envelope.
    const versions = await owner.vault.history(mapId);
    expect(versions).toHaveLength(2);
    for (const v of versions) await expect(owner.vault.pull(mapId, { versionId: v.versionId })).resolves.toMatchObject({ mapId });
    expect((await owner.vault.pull(mapId)).document.root.text).toBe('written after the revocation');
  });

  it('after a rotation the new keys alone open every version of every map; the old private keys are needed for nothing', async () => {
    const owner = await account();
    const a = await mapWithVersions(owner, 2, 'A');
    const b = await mapWithVersions(owner, 1, 'B');
    // Give map A a second data key (a revoked link), so its versions carry two distinct envelopes.
    const share = await owner.vault.share(a.mapId);
    await owner.vault.revokeShare(a.mapId, share.shareId);
    a.versionIds.push((await owner.vault.push(a.mapId, doc('version 3'))).versionId);
    const distinct = (await sql('SELECT count(DISTINCT env_wrapped_dek) AS n FROM map_versions WHERE map_id = $1', [a.mapId])).rows[0].n;
    expect(Number(distinct)).toBe(2);

    await owner.vault.rotateKeys();
    // The server keeps nothing made for keyVersion 1: every envelope is the new keys'.
    const oldWrapped = (await sql('SELECT count(*) AS n FROM map_versions WHERE owner_id = $1 AND length(env_wrapped_dek) <> 97', [owner.vault.userId])).rows[0].n;
    expect(Number(oldWrapped)).toBe(0);

    // A fresh device holds only the new key pairs (from the new bundle) and opens everything.
    const fresh = await login(owner);
    expect(fresh.currentKeyVersion).toBe(2);
    for (const map of [a, b]) {
      for (const versionId of map.versionIds) {
        await expect(fresh.pull(map.mapId, { versionId })).resolves.toMatchObject({ mapId: map.mapId, versionId });
      }
    }
    expect((await fresh.listMaps()).map((m) => m.title).sort()).toEqual(['A', 'B']);
  });

  it('a KDF downgrade from prelogin is refused, and one server salt gives two accounts different salts', async () => {
    const owner = await account();
    await sql('UPDATE users SET kdf_memory_kib = 8, kdf_iterations = 1 WHERE id = $1', [owner.vault.userId]);
    // The production policy, not the test one: anything below 64 MiB, t = 3 is refused.
    const error = await refusal(Vault.login(new MindvaultApi({ baseUrl: t.baseUrl }), { email: owner.email, password: owner.password }));
    expect(error).toBeInstanceOf(KdfPolicyError);

    const one = await account();
    const two = await account();
    await sql('UPDATE users SET kdf_salt = (SELECT kdf_salt FROM users WHERE id = $1) WHERE id = $2', [one.vault.userId, two.vault.userId]);
    const password = 'same password';
    const salt = { ...(await one.vault.api.auth.prelogin(one.email)), memoryKiB: 64, iterations: 1 };
    const k1 = await deriveAccountKeys({ email: one.email, password, params: salt }, { policy: INSECURE_TEST_KDF_POLICY });
    const k2 = await deriveAccountKeys({ email: two.email, password, params: salt }, { policy: INSECURE_TEST_KDF_POLICY });
    expect(toBase64(k1.authKey)).not.toBe(toBase64(k2.authKey));
  });

  /** Gives map `to` the envelope and encrypted title of map `from`, as a server swapping them would. */
  async function copyKeyAndTitle(from: string, to: string): Promise<void> {
    await sql(
      `UPDATE mind_maps SET (encrypted_title, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek) =
         (SELECT encrypted_title, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek FROM mind_maps WHERE id = $2)
       WHERE id = $1`,
      [to, from],
    );
  }

  /** Points two version rows at each other's stored objects (and sizes): the blobs swap maps. */
  async function swapHeadContent(a: string, b: string): Promise<void> {
    const rows = (await sql('SELECT id, object_key, size_bytes FROM map_versions WHERE id IN ($1, $2)', [a, b])).rows as { id: string; object_key: string; size_bytes: string }[];
    const of = (id: string) => rows.find((r) => r.id === id)!;
    // object_key is unique: park one first.
    await sql('UPDATE map_versions SET object_key = $2 WHERE id = $1', [a, `${of(a).object_key}.parked`]);
    await sql('UPDATE map_versions SET object_key = $2, size_bytes = $3 WHERE id = $1', [b, of(a).object_key, of(a).size_bytes]);
    await sql('UPDATE map_versions SET object_key = $2, size_bytes = $3 WHERE id = $1', [a, of(b).object_key, of(b).size_bytes]);
  }
});

function doc(text: string): MindMapDocument {
  const d = createDocument(text);
  d.root.children.push({ id: 'c', text: `${text} (child)`, children: [] });
  return d;
}

function tokenStore(session: { userId?: string; accessToken: string; refreshToken?: string; expiresIn?: number }) {
  let tokens = { userId: session.userId ?? '', accessToken: session.accessToken, refreshToken: session.refreshToken ?? '', expiresIn: session.expiresIn ?? 900 };
  return {
    load: async () => tokens,
    save: async (next: typeof tokens | undefined) => {
      if (next) tokens = next;
    },
  };
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
