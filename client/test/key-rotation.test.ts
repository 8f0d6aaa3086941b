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
  type MapEnvelope,
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
  const maps: MapEnvelope[] = await Promise.all(
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

  it('leaves the old keys unable to open the new envelopes', async () => {
    const { account, maps } = await accountWithMaps(2);
    const { request } = await rotateAccountKeys({
      currentKeyPairs: account.keyPairs,
      currentKeyVersion: 4,
      keyEncryptionKey: account.keyEncryptionKey,
      maps,
    });
    expect(request.keyVersion).toBe(5);
    for (const map of request.maps) await expect(unwrapDek(map.envelope, account.keyPairs)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('handles an account with no maps', async () => {
    const { account } = await accountWithMaps(0);
    const { request } = await rotateAccountKeys({ currentKeyPairs: account.keyPairs, currentKeyVersion: 1, keyEncryptionKey: account.keyEncryptionKey, maps: [] });
    expect(request.maps).toEqual([]);
  });

  it('throws, naming the map, when an envelope does not open', async () => {
    const { account, maps } = await accountWithMaps(2);
    const bytes = fromBase64(maps[1]!.envelope.wrappedDek);
    const broken = [maps[0]!, { ...maps[1]!, envelope: { ...maps[1]!.envelope, wrappedDek: toBase64(flipped(bytes, 20)) } }];
    await expect(
      rotateAccountKeys({ currentKeyPairs: account.keyPairs, currentKeyVersion: 1, keyEncryptionKey: account.keyEncryptionKey, maps: broken }),
    ).rejects.toThrow(new RegExp(`map ${maps[1]!.id}`));
  });

  it('refuses a nonsensical current key version', async () => {
    const { account } = await accountWithMaps(0);
    await expect(
      rotateAccountKeys({ currentKeyPairs: account.keyPairs, currentKeyVersion: 0, keyEncryptionKey: account.keyEncryptionKey, maps: [] }),
    ).rejects.toThrow(InvalidInputError);
  });
});
