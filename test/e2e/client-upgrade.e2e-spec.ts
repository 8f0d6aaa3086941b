import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, fromBase64, MemoryDeviceStateStore, MindvaultApi, Vault, type VaultOptions } from '../../client/src/index';
import * as v1 from '../../client/test/fixtures/v1-vectors';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FAST_KDF } from '../utils/sdk';

/**
 * Formats are versioned: an account written by the v1 client (the pinned v1 fixtures, stored
 * through the real API) still opens, is upgraded to v2 — keys, password derivation, envelopes of
 * the map and of every version, then titles and heads — and is plain v2 afterwards.
 */
const BIN = resolve(__dirname, '../../client/bin/mindvault.js');

describe('upgrading a v1 account', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  /** A v1 account with one map of two v1 versions, as the v1 client left it. */
  async function legacyAccount(): Promise<{ email: string; mapId: string }> {
    const email = `v1-${randomBytes(5).toString('hex')}@example.com`;
    const post = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${t.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(201);
      return response.json() as Promise<Record<string, string>>;
    };
    // The v1 authKey does not depend on the email: the fixture's works for any account.
    const { accessToken } = await post('/api/auth/register', { email, authKey: v1.AUTH_KEY_BASE64, kdf: v1.KDF, keys: v1.BUNDLE });
    const map = await post('/api/mindmaps', { encryptedTitle: v1.ENCRYPTED_TITLE, envelope: v1.ENVELOPE, keyVersion: 1 }, accessToken);
    for (let i = 0; i < 2; i++) {
      const upload = await fetch(`${t.baseUrl}/api/mindmaps/${map.id}/blob`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/octet-stream' },
        body: fromBase64(v1.DOCUMENT_BLOB_BASE64),
      });
      expect(upload.status).toBe(201);
    }
    return { email, mapId: map.id! };
  }

  const login = (email: string, options: VaultOptions = {}) =>
    Vault.login(new MindvaultApi({ baseUrl: t.baseUrl }), { email, password: v1.PASSWORD }, { ...FAST_KDF, ...options });

  it('is refused by default (no silent v1 derivation), then opens and upgrades with allowLegacyV1', async () => {
    const { email, mapId } = await legacyAccount();
    const error = await login(email).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('INVALID_CREDENTIALS');

    const state = new MemoryDeviceStateStore();
    const vault = await login(email, { allowLegacyV1: true, state });
    expect(vault.currentKeyVersion).toBe(2);
    // v1 content under the re-wrapped (now authenticated) key: readable, as save 0.
    expect(await vault.pull(mapId)).toMatchObject({ title: v1.TITLE, document: v1.DOCUMENT, seq: 0 });

    // Keys, envelopes of the map and of every version are v2 already.
    const user = (await t.db.pool.query('SELECT classical_priv_encrypted, pq_priv_encrypted, key_version FROM users WHERE email = $1', [email])).rows[0];
    expect([user.classical_priv_encrypted[0], user.pq_priv_encrypted[0], user.key_version]).toEqual([0x02, 0x02, 2]);
    const lengths = await t.db.pool.query(
      `SELECT length(env_wrapped_dek) AS n FROM mind_maps WHERE id = $1 UNION ALL SELECT length(env_wrapped_dek) FROM map_versions WHERE map_id = $1`,
      [mapId],
    );
    expect(lengths.rows.map((r) => Number(r.n))).toEqual([97, 97, 97]);

    // Titles and heads: re-saved as v2.
    expect(await vault.upgradeMaps()).toBe(1);
    expect(await vault.pull(mapId)).toMatchObject({ title: v1.TITLE, document: v1.DOCUMENT, seq: 1 });
    expect(await vault.upgradeMaps()).toBe(0);
    const title = (await t.db.pool.query('SELECT encrypted_title FROM mind_maps WHERE id = $1', [mapId])).rows[0].encrypted_title as Buffer;
    expect(title[3]).toBe(0x02);

    // From now on a plain v2 login works, and old v1 versions still open.
    const plain = await login(email);
    const history = await plain.history(mapId);
    expect(history).toHaveLength(3);
    for (const v of history) expect((await plain.pull(mapId, { versionId: v.versionId })).document).toEqual(v1.DOCUMENT);
    // A device that has opened the account in v2 never falls back to the v1 derivation (one login
    // attempt, not two), even with allowLegacyV1; a device that has not, does.
    const logins = async (deviceState: MemoryDeviceStateStore) => {
      let count = 0;
      const counting = (input: string, init: RequestInit) => {
        if (input.endsWith('/api/auth/login')) count++;
        return fetch(input, init);
      };
      const api = new MindvaultApi({ baseUrl: t.baseUrl, fetch: counting });
      const error = await Vault.login(api, { email, password: 'not the password' }, { ...FAST_KDF, allowLegacyV1: true, state: deviceState }).catch((e: unknown) => e);
      expect((error as ApiError).code).toBe('INVALID_CREDENTIALS');
      return count;
    };
    expect(await logins(state)).toBe(1);
    expect(await logins(new MemoryDeviceStateStore())).toBe(2);
  });

  it('`mindvault upgrade` does it all from the command line', async () => {
    const { email, mapId } = await legacyAccount();
    const dir = await mkdtemp(join(tmpdir(), 'mindvault-upgrade-'));
    try {
      const env = { MINDVAULT_CONFIG_DIR: dir, MINDVAULT_INSECURE_TEST_KDF: '1', MINDVAULT_PASSWORD: v1.PASSWORD };
      const refused = await cli(['login', '--email', email, '--server', t.baseUrl], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/needs `mindvault upgrade` once/);
      const upgraded = await cli(['upgrade', '--email', email, '--server', t.baseUrl], env);
      expect(upgraded.code, upgraded.stderr).toBe(0);
      expect(upgraded.stderr).toMatch(/is on the v2 formats; 1 map\(s\) re-saved/);
      const pulled = await cli(['pull', mapId], env);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(JSON.parse(pulled.stdout)).toEqual(v1.DOCUMENT);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

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
