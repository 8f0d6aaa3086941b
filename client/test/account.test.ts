import { describe, expect, it } from 'vitest';
import {
  changePassword,
  createAccount,
  DecryptionError,
  deriveLoginKeys,
  fromBase64,
  generateDek,
  INSECURE_TEST_KDF_POLICY,
  KdfPolicyError,
  unlockKeyBundle,
  unwrapOwnerDek,
  wrapOwnerDek,
} from '../src/index.js';
import { FAST_KDF, toHex } from './helpers.js';

const policy = INSECURE_TEST_KDF_POLICY;
const email = 'ada@example.com';
const place = { userId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', mapId: 'c0ffee00-1234-4abc-8def-0123456789ab', keyVersion: 1 };

describe('account', () => {
  it('registers, then logs in with the same email and password and unlocks the same keys', async () => {
    const account = await createAccount(email, 'hunter2 but longer', FAST_KDF);
    expect(account.kdf).toMatchObject({ algorithm: 'argon2id', memoryKiB: 256, iterations: 1, parallelism: 1 });
    expect(fromBase64(account.authKey)).toHaveLength(32);

    const login = await deriveLoginKeys({ email: 'Ada@Example.com', password: 'hunter2 but longer', params: account.kdf }, { policy });
    expect(login.authKey).toBe(account.authKey);
    const { keyPairs } = await unlockKeyBundle({ ...account.keys, keyVersion: 1 }, login.keyEncryptionKey);
    expect(toHex(keyPairs.classical.secretKey)).toBe(toHex(account.keyPairs.classical.secretKey));
  });

  it('uses the production cost by default', async () => {
    // NOTE: only checks the parameters; deriving at 64 MiB is the vectors test's and the bench's job.
    const { newKdfParams } = await import('../src/index.js');
    expect(newKdfParams()).toMatchObject({ memoryKiB: 65536, iterations: 3, parallelism: 1 });
  });

  it('refuses to create an account with the tiny test cost under the default policy', async () => {
    await expect(createAccount(email, 'pw', { kdfCost: FAST_KDF.kdfCost })).rejects.toThrow(KdfPolicyError);
  });

  it('with a wrong password, or another email, gives another authKey and cannot unlock the keys', async () => {
    const account = await createAccount(email, 'right password', FAST_KDF);
    for (const wrong of [
      await deriveLoginKeys({ email, password: 'wrong password', params: account.kdf }, { policy }),
      await deriveLoginKeys({ email: 'eve@example.com', password: 'right password', params: account.kdf }, { policy }),
    ]) {
      expect(wrong.authKey).not.toBe(account.authKey);
      await expect(unlockKeyBundle({ ...account.keys, keyVersion: 1 }, wrong.keyEncryptionKey)).rejects.toMatchObject({
        name: 'DecryptionError',
        reason: 'authentication-failed',
      });
    }
  });
});

describe('password change', () => {
  it('re-seals the same key pairs under the new password, with a fresh salt, at the same keyVersion', async () => {
    const account = await createAccount(email, 'old password', FAST_KDF);
    const dek = generateDek();
    const envelope = await wrapOwnerDek(dek, 1, account.keyPairs, place);

    const change = await changePassword(
      { email, currentPassword: 'old password', currentKdf: account.kdf, bundle: { ...account.keys, keyVersion: 1 }, newPassword: 'new password' },
      FAST_KDF,
    );
    const { request } = change;
    expect(Object.keys(request).sort()).toEqual(['classicalPrivEncrypted', 'currentAuthKey', 'kdf', 'keyVersion', 'newAuthKey', 'pqPrivEncrypted']);
    expect(request.currentAuthKey).toBe(account.authKey);
    expect(request.newAuthKey).not.toBe(account.authKey);
    expect(request.kdf.salt).not.toBe(account.kdf.salt);
    expect(request.keyVersion).toBe(1);

    // What the server stores after the change: same public keys, new sealed private keys.
    const newBundle = { ...account.keys, classicalPrivEncrypted: request.classicalPrivEncrypted, pqPrivEncrypted: request.pqPrivEncrypted, keyVersion: 1 };
    const login = await deriveLoginKeys({ email, password: 'new password', params: request.kdf }, { policy });
    expect(login.authKey).toBe(request.newAuthKey);
    const { keyPairs } = await unlockKeyBundle(newBundle, login.keyEncryptionKey);
    // Same private keys, so the same account MAC key: existing envelopes still verify.
    expect((await unwrapOwnerDek(envelope, keyPairs, place)).dek).toEqual(dek);

    const oldLogin = await deriveLoginKeys({ email, password: 'old password', params: request.kdf }, { policy });
    await expect(unlockKeyBundle(newBundle, oldLogin.keyEncryptionKey)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('throws, producing nothing, when the current password is wrong', async () => {
    const account = await createAccount(email, 'old password', FAST_KDF);
    await expect(
      changePassword(
        { email, currentPassword: 'not it', currentKdf: account.kdf, bundle: { ...account.keys, keyVersion: 1 }, newPassword: 'new' },
        FAST_KDF,
      ),
    ).rejects.toBeInstanceOf(DecryptionError);
  });
});
