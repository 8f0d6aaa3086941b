import { describe, expect, it } from 'vitest';
import {
  createAccount,
  DecryptionError,
  decryptDocument,
  deriveLoginKeys,
  encryptDocument,
  generateDek,
  INSECURE_TEST_KDF_POLICY,
  InvalidInputError,
  type RotatingMap,
  publicKeysOf,
  rotateAccountKeys,
  toBase64,
  unlockKeyBundle,
  unwrapDek,
  wrapDek,
  fromBase64,
} from '../src/index.js';
import * as v1 from './fixtures/v1-vectors.js';
import { FAST_KDF, flipped } from './helpers.js';

async function accountWithMaps(count: number) {
  const account = await createAccount('rotate me', FAST_KDF);
  const deks = Array.from({ length: count }, () => generateDek());
  const maps: RotatingMap[] = await Promise.all(
    deks.map(async (dek, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, envelope: await wrapDek(dek, publicKeysOf(account.keyPairs)) })),
  );
  const blobs = await Promise.all(deks.map((dek) => encryptDocument(v1.DOCUMENT, dek)));
  return { account, deks, maps, blobs };
}

describe('key rotation', () => {
  it('re-wraps every map so that the new keys alone open it', async () => {
    const { account, deks, maps, blobs } = await accountWithMaps(3);
    const rotation = await rotateAccountKeys({
      currentKeyPairs: account.keyPairs,
      currentKeyVersion: 1,
      keyEncryptionKey: account.keyEncryptionKey,
      currentAuthKey: account.authKey,
      maps,
    });
    const { request } = rotation;
    expect(request.keyVersion).toBe(2);
    expect(request.maps.map((m) => m.id)).toEqual(maps.map((m) => m.id));
    expect(request.keys.classicalPublicKey).not.toBe(account.keys.classicalPublicKey);
    expect(request.keys.pqPublicKey).not.toBe(account.keys.pqPublicKey);

    // A later login: password → KEK → the new bundle; the old key pairs play no part.
    const login = await deriveLoginKeys('rotate me', account.kdf, { policy: INSECURE_TEST_KDF_POLICY });
    const newKeys = await unlockKeyBundle(request.keys, login.keyEncryptionKey);
    for (const [i, map] of request.maps.entries()) {
      const dek = await unwrapDek(map.envelope, newKeys);
      expect(dek).toEqual(deks[i]);
      expect(await decryptDocument(blobs[i]!, dek)).toEqual(v1.DOCUMENT);
    }
  });

  it('re-wraps every distinct version envelope once, named by the wrappedDek it replaces', async () => {
    const { account, deks, maps } = await accountWithMaps(1);
    const oldDek = generateDek();
    const recipient = publicKeysOf(account.keyPairs);
    const older = await wrapDek(oldDek, recipient);
    const sameKeyOtherWrap = await wrapDek(deks[0]!, recipient);
    const map = { ...maps[0]!, versionEnvelopes: [maps[0]!.envelope, older, older, sameKeyOtherWrap] };
    const { request, keyPairs } = await rotateAccountKeys({
      currentKeyPairs: account.keyPairs,
      currentKeyVersion: 1,
      keyEncryptionKey: account.keyEncryptionKey,
      currentAuthKey: account.authKey,
      maps: [map],
    });
    expect(request.currentAuthKey).toBe(account.authKey);
    const rotated = request.maps[0]!;
    expect(rotated.versionEnvelopes!.map((v) => v.previousWrappedDek)).toEqual([older.wrappedDek, sameKeyOtherWrap.wrappedDek]);
    expect(await unwrapDek(rotated.versionEnvelopes![0]!.envelope, keyPairs)).toEqual(oldDek);
    expect(await unwrapDek(rotated.versionEnvelopes![1]!.envelope, keyPairs)).toEqual(deks[0]);
  });

  it("gives a version envelope the current keys cannot open (left by an older rotation) the map's data key", async () => {
    const { account, deks, maps } = await accountWithMaps(1);
    const retired = await createAccount('retired', FAST_KDF);
    const stranded = await wrapDek(deks[0]!, publicKeysOf(retired.keyPairs));
    const { request, keyPairs } = await rotateAccountKeys({
      currentKeyPairs: account.keyPairs,
      currentKeyVersion: 2,
      keyEncryptionKey: account.keyEncryptionKey,
      currentAuthKey: account.authKey,
      maps: [{ ...maps[0]!, versionEnvelopes: [stranded] }],
    });
    const [version] = request.maps[0]!.versionEnvelopes!;
    expect(version!.previousWrappedDek).toBe(stranded.wrappedDek);
    expect(await unwrapDek(version!.envelope, keyPairs)).toEqual(deks[0]);
  });

  it('leaves the old keys unable to open the new envelopes', async () => {
    const { account, maps } = await accountWithMaps(2);
    const { request } = await rotateAccountKeys({
      currentKeyPairs: account.keyPairs,
      currentKeyVersion: 4,
      keyEncryptionKey: account.keyEncryptionKey,
      currentAuthKey: account.authKey,
      maps,
    });
    expect(request.keyVersion).toBe(5);
    for (const map of request.maps) await expect(unwrapDek(map.envelope, account.keyPairs)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('handles an account with no maps', async () => {
    const { account } = await accountWithMaps(0);
    const { request } = await rotateAccountKeys({ currentKeyPairs: account.keyPairs, currentKeyVersion: 1, keyEncryptionKey: account.keyEncryptionKey, currentAuthKey: account.authKey, maps: [] });
    expect(request.maps).toEqual([]);
  });

  it('throws, naming the map, when an envelope does not open', async () => {
    const { account, maps } = await accountWithMaps(2);
    const bytes = fromBase64(maps[1]!.envelope.wrappedDek);
    const broken = [maps[0]!, { ...maps[1]!, envelope: { ...maps[1]!.envelope, wrappedDek: toBase64(flipped(bytes, 20)) } }];
    await expect(
      rotateAccountKeys({ currentKeyPairs: account.keyPairs, currentKeyVersion: 1, keyEncryptionKey: account.keyEncryptionKey, currentAuthKey: account.authKey, maps: broken }),
    ).rejects.toThrow(new RegExp(`map ${maps[1]!.id}`));
  });

  it('refuses a nonsensical current key version', async () => {
    const { account } = await accountWithMaps(0);
    await expect(
      rotateAccountKeys({ currentKeyPairs: account.keyPairs, currentKeyVersion: 0, keyEncryptionKey: account.keyEncryptionKey, currentAuthKey: account.authKey, maps: [] }),
    ).rejects.toThrow(InvalidInputError);
  });
});
