import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, MindvaultApi, SessionExpiredError, Vault } from '../../client/src/index';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FAST_KDF, doc } from '../utils/sdk';

/** Recovery with the real crypto: the maps a recovery key reaches open again under the new password. */
describe('client SDK: recovery key', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const fresh = () => new MindvaultApi({ baseUrl: t.baseUrl });
  const account = () => ({ email: `rec-${randomBytes(6).toString('hex')}@example.com`, password: `pw ${randomBytes(6).toString('hex')}` });

  it('resets a forgotten password: every map and version opens, the old password and session stop, the used words stop and the new ones work', async () => {
    const creds = account();
    const vault = await Vault.register(fresh(), creds, FAST_KDF);
    expect((await vault.recoveryStatus()).enabled).toBe(false);
    const map = await vault.createMap({ title: 'Ideen für Lissabon ✈' });
    const v1 = await vault.push(map.id, doc('first'));
    await vault.push(map.id, doc('second'), { ifMatch: v1.versionId });
    await expect(vault.createRecoveryKey('not the password')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const words = await vault.createRecoveryKey(creds.password);
    expect(words.split(' ')).toHaveLength(12);
    expect((await vault.recoveryStatus()).enabled).toBe(true);

    // Someone's guess (valid words, another key), and words that are no recovery key at all.
    await expect(Vault.recover(fresh(), { email: creds.email, recoveryWords: 'abandon '.repeat(11) + 'about', newPassword: 'x' }, FAST_KDF)).rejects.toMatchObject({
      code: 'INVALID_RECOVERY_KEY',
    });
    await expect(Vault.recover(fresh(), { email: creds.email, recoveryWords: 'not twelve words', newPassword: 'x' }, FAST_KDF)).rejects.toBeInstanceOf(InvalidInputError);

    const newPassword = 'a brand new password';
    const { newRecoveryWords } = await Vault.recover(fresh(), { email: creds.email.toUpperCase(), recoveryWords: words, newPassword }, FAST_KDF);
    expect(newRecoveryWords).not.toBe(words);

    // The session that was open ends; the old password no longer logs in.
    await expect(vault.listMaps()).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(Vault.login(fresh(), creds, FAST_KDF)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });

    const back = await Vault.login(fresh(), { email: creds.email, password: newPassword }, FAST_KDF);
    const [info] = await back.listMaps();
    expect(info!.title).toBe('Ideen für Lissabon ✈');
    expect((await back.pull(map.id)).document.root.children[0]!.text).toBe('second');
    expect((await back.pull(map.id, { versionId: v1.versionId })).document.root.children[0]!.text).toBe('first');

    // Used words are spent; the replacement works for the next time.
    await expect(Vault.recover(fresh(), { email: creds.email, recoveryWords: words, newPassword: 'again' }, FAST_KDF)).rejects.toMatchObject({ code: 'INVALID_RECOVERY_KEY' });
    await Vault.recover(fresh(), { email: creds.email, recoveryWords: newRecoveryWords, newPassword: 'third password' }, FAST_KDF);
    const third = await Vault.login(fresh(), { email: creds.email, password: 'third password' }, FAST_KDF);
    expect((await third.pull(map.id)).document.root.children[0]!.text).toBe('second');
  });

  it('keeps the second factor: after recovery the login still asks for a code', async () => {
    const creds = account();
    const { vault, recoveryWords: words } = await Vault.registerWithRecoveryKey(fresh(), creds, FAST_KDF);
    expect((await vault.recoveryStatus()).enabled).toBe(true);
    const { secret } = await vault.beginTotp(creds.password);
    await vault.confirmTotp(await generate({ secret }));
    await Vault.recover(fresh(), { email: creds.email, recoveryWords: words, newPassword: 'after recovery' }, FAST_KDF);
    await expect(Vault.login(fresh(), { email: creds.email, password: 'after recovery' }, FAST_KDF)).rejects.toMatchObject({ code: 'SECOND_FACTOR_REQUIRED' });
    // The next time step: the enrolment's code is spent.
    const later = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const back = await Vault.login(fresh(), { email: creds.email, password: 'after recovery', secondFactor: async () => later }, FAST_KDF);
    expect(await back.listMaps()).toEqual([]);
  });

  it('is dropped by a key rotation, and a new one made afterwards recovers maps under the new keys', async () => {
    const creds = account();
    const vault = await Vault.register(fresh(), creds, FAST_KDF);
    const map = await vault.createMap({ title: 'Rotated' });
    await vault.push(map.id, doc('kept'));
    const stale = await vault.createRecoveryKey(creds.password);
    await vault.rotateKeys();
    expect((await vault.recoveryStatus()).enabled).toBe(false);
    await expect(Vault.recover(fresh(), { email: creds.email, recoveryWords: stale, newPassword: 'n' }, FAST_KDF)).rejects.toMatchObject({ code: 'INVALID_RECOVERY_KEY' });
    const words = await vault.createRecoveryKey(creds.password);
    await Vault.recover(fresh(), { email: creds.email, recoveryWords: words, newPassword: 'after rotation' }, FAST_KDF);
    const back = await Vault.login(fresh(), { email: creds.email, password: 'after rotation' }, FAST_KDF);
    expect(back.currentKeyVersion).toBe(2);
    expect((await back.pull(map.id)).document.root.children[0]!.text).toBe('kept');
  });
});
