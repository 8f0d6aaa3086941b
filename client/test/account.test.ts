import { describe, expect, it } from 'vitest';
import {
  changePassword,
  createAccount,
  DecryptionError,
  deriveLoginKeys,
  fromBase64,
  INSECURE_TEST_KDF_POLICY,
  KdfPolicyError,
  unlockKeyBundle,
  unwrapDek,
  wrapDek,
  generateDek,
  publicKeysOf,
} from '../src/index.js';
import { FAST_KDF, toHex } from './helpers.js';

const policy = INSECURE_TEST_KDF_POLICY;

describe('account', () => {
  it('registers, then logs in with the same password and unlocks the same keys', async () => {
    const account = await createAccount('hunter2 but longer', FAST_KDF);
    expect(account.kdf).toMatchObject({ algorithm: 'argon2id', memoryKiB: 256, iterations: 1, parallelism: 1 });
    expect(fromBase64(account.authKey)).toHaveLength(32);

    const login = await deriveLoginKeys('hunter2 but longer', account.kdf, { policy });
    expect(login.authKey).toBe(account.authKey);
    const keys = await unlockKeyBundle(account.keys, login.keyEncryptionKey);
    expect(toHex(keys.classical.secretKey)).toBe(toHex(account.keyPairs.classical.secretKey));
  });

  it('uses the production cost by default', async () => {
    // NOTE: only checks the parameters; deriving at 64 MiB belongs in no fast unit test.
    const { newKdfParams } = await import('../src/index.js');
    expect(newKdfParams()).toMatchObject({ memoryKiB: 65536, iterations: 3, parallelism: 1 });
  });

  it('refuses to create an account with the tiny test cost under the default policy', async () => {
    await expect(createAccount('pw', { kdfCost: FAST_KDF.kdfCost })).rejects.toThrow(KdfPolicyError);
  });

  it('with a wrong password, gives another authKey and cannot unlock the keys', async () => {
    const account = await createAccount('right password', FAST_KDF);
    const wrong = await deriveLoginKeys('wrong password', account.kdf, { policy });
    expect(wrong.authKey).not.toBe(account.authKey);
    await expect(unlockKeyBundle(account.keys, wrong.keyEncryptionKey)).rejects.toMatchObject({
      name: 'DecryptionError',
      reason: 'authentication-failed',
    });
  });
});

describe('password change', () => {
  it('re-seals the same key pairs under the new password, with a fresh salt', async () => {
    const account = await createAccount('old password', FAST_KDF);
    const dek = generateDek();
    const envelope = await wrapDek(dek, publicKeysOf(account.keyPairs));

    const change = await changePassword(
      { currentPassword: 'old password', currentKdf: account.kdf, bundle: { ...account.keys, keyVersion: 1 }, newPassword: 'new password' },
      FAST_KDF,
    );
    const { request } = change;
    expect(Object.keys(request).sort()).toEqual(['classicalPrivEncrypted', 'currentAuthKey', 'kdf', 'keyVersion', 'newAuthKey', 'pqPrivEncrypted']);
    expect(request.keyVersion).toBe(1);
    expect(request.currentAuthKey).toBe(account.authKey);
    expect(request.newAuthKey).not.toBe(account.authKey);
    expect(request.kdf.salt).not.toBe(account.kdf.salt);

    // What the server stores after the change: same public keys, new sealed private keys.
    const newBundle = { ...account.keys, classicalPrivEncrypted: request.classicalPrivEncrypted, pqPrivEncrypted: request.pqPrivEncrypted };
    const login = await deriveLoginKeys('new password', request.kdf, { policy });
    expect(login.authKey).toBe(request.newAuthKey);
    const keys = await unlockKeyBundle(newBundle, login.keyEncryptionKey);
    expect(await unwrapDek(envelope, keys)).toEqual(dek);

    const oldLogin = await deriveLoginKeys('old password', request.kdf, { policy });
    await expect(unlockKeyBundle(newBundle, oldLogin.keyEncryptionKey)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('throws, producing nothing, when the current password is wrong', async () => {
    const account = await createAccount('old password', FAST_KDF);
    await expect(
      changePassword({ currentPassword: 'not it', currentKdf: account.kdf, bundle: { ...account.keys, keyVersion: 1 }, newPassword: 'new' }, FAST_KDF),
    ).rejects.toBeInstanceOf(DecryptionError);
  });
});
