import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildKeyBundle,
  deriveAccountKeys,
  generateKeyPairs,
  MindvaultApi,
  newKdfParams,
  preNormalisationEmail,
  toBase64,
  Vault,
  WrongPasswordError,
} from '../../client/src/index';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { collectLines, doc, FAST_KDF, linesOf } from '../utils/sdk';

/**
 * The SDK reaching an account registered before emails were normalised (docs/crypto.md §3,
 * docs/api.md "Accounts registered before normalisation"): its client of that time salted with the
 * address in NFC, trimmed and lower-cased, and the server stored that form. Planted here the way the
 * two made it: the salt bound to that form, the row's email set to it. A newer account holds the
 * normal form of the same address, so reaching the wrong one would show.
 */
describe('client SDK: accounts registered before email normalisation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const fresh = () => new MindvaultApi({ baseUrl: t.baseUrl });

  /** An account as the pre-normalisation client and server made it for `typed`; returns its id. */
  async function plantLegacyAccount(typed: string, password: string): Promise<string> {
    const stored = preNormalisationEmail(typed);
    const kdf = newKdfParams(FAST_KDF.kdfCost);
    const keys = await deriveAccountKeys({ email: stored, emailForm: 'registered', password, params: kdf }, FAST_KDF);
    const bundle = await buildKeyBundle(generateKeyPairs(), keys.keyEncryptionKey, { keyVersion: 1 });
    // Registered under a placeholder (today's server normalises), then given the address it stored.
    const { userId } = await fresh().auth.register({ email: `planted-${randomBytes(6).toString('hex')}@example.com`, authKey: toBase64(keys.authKey), kdf, keys: bundle });
    await t.db.pool.query('UPDATE users SET email = $2 WHERE id = $1', [userId, stored]);
    return userId;
  }

  it('logs in, saves, unlocks, changes the password, recovers and backs up the older account by its own address, never the newer one', async () => {
    const local = `ada${randomBytes(4).toString('hex')}`;
    const normal = `${local}@example.com`;
    // Full-width 'Ａ' (U+FF21) typed with spaces around: the older client stored 'ａ…' (U+FF41).
    const typed = ` \uff21${local.slice(1)}@Example.com `;
    const password = 'the older password';
    const legacyId = await plantLegacyAccount(typed, password);
    const newer = await Vault.register(fresh(), { email: normal, password: 'the newer password' }, FAST_KDF);
    const newerMap = await newer.createMap({ title: 'newer' });
    expect(newer.userId).not.toBe(legacyId);

    const vault = await Vault.login(fresh(), { email: typed, password }, FAST_KDF);
    expect(vault.userId).toBe(legacyId);
    expect(vault.emailForm).toBe('registered');
    expect(vault.email).toBe(`\uff41${local.slice(1)}@example.com`);
    const map = await vault.createMap({ title: 'Ältere Ideen' });
    const v1 = await vault.push(map.id, doc('first'));
    expect((await vault.listMaps()).map((m) => m.id)).toEqual([map.id]);

    // The newer account, by the normal form, is untouched and still its own.
    const newerAgain = await Vault.login(fresh(), { email: normal, password: 'the newer password' }, FAST_KDF);
    expect(newerAgain.userId).toBe(newer.userId);
    expect((await newerAgain.listMaps()).map((m) => m.id)).toEqual([newerMap.id]);
    // The wrong password is refused for the older account after both forms were tried.
    await expect(Vault.login(fresh(), { email: typed, password: 'wrong' }, FAST_KDF)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });

    // Unlock (a session without keys, as the CLI between commands), wrong password, then right.
    await expect(Vault.unlock(vault.api, { email: typed, password: 'wrong' }, FAST_KDF)).rejects.toBeInstanceOf(WrongPasswordError);
    const unlocked = await Vault.unlock(vault.api, { email: typed, password }, FAST_KDF);
    expect((await unlocked.pull(map.id)).document.root.children[0]!.text).toBe('first');

    // A password change keeps the account's form: the next login still reaches it.
    await vault.changePassword(password, 'changed password');
    const afterChange = await Vault.login(fresh(), { email: typed, password: 'changed password' }, FAST_KDF);
    expect(afterChange.userId).toBe(legacyId);
    expect((await afterChange.pull(map.id, { versionId: v1.versionId })).document.root.children[0]!.text).toBe('first');

    // Recovery by the same typed address resets the older account's password, not the newer's.
    const words = await afterChange.createRecoveryKey('changed password');
    await Vault.recover(fresh(), { email: typed, recoveryWords: words, newPassword: 'recovered password' }, FAST_KDF);
    const recovered = await Vault.login(fresh(), { email: typed, password: 'recovered password' }, FAST_KDF);
    expect(recovered.userId).toBe(legacyId);
    expect((await Vault.login(fresh(), { email: normal, password: 'the newer password' }, FAST_KDF)).userId).toBe(newer.userId);

    // The backup names the form, and opens with the password in another account.
    const lines = await collectLines(recovered.exportBackup());
    expect(JSON.parse(lines[0]!)).toMatchObject({ email: recovered.email, emailForm: 'registered' });
    const target = await Vault.register(fresh(), { email: `target-${randomBytes(6).toString('hex')}@example.com`, password: 'target' }, FAST_KDF);
    expect(await target.importBackup(linesOf(lines), { password: 'recovered password' })).toEqual({ maps: 1, versions: 1 });
  });

  it('tries one form only for an address already in normal form, so a wrong password costs one attempt', async () => {
    const creds = { email: `plain-${randomBytes(6).toString('hex')}@example.com`, password: 'right' };
    await Vault.register(fresh(), creds, FAST_KDF);
    const api = fresh();
    const logins: string[] = [];
    const original = api.auth.login.bind(api.auth);
    api.auth.login = async (body) => {
      logins.push(body.email);
      return original(body);
    };
    await expect(Vault.login(api, { ...creds, password: 'wrong' }, FAST_KDF)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(logins).toEqual([creds.email]);
  });
});
