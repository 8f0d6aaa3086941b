import { describe, expect, it } from 'vitest';
import {
  createAccount,
  DecryptionError,
  decryptDocument,
  deriveLoginKeys,
  encryptDocument,
  type Envelope,
  fromBase64,
  generateDek,
  INSECURE_TEST_KDF_POLICY,
  InvalidInputError,
  rotateAccountKeys,
  toBase64,
  unlockKeyBundle,
  unwrapOwnerDek,
  wrapOwnerDek,
} from '../src/index.js';
import * as v1 from './fixtures/v1-vectors.js';
import { FAST_KDF, flipped } from './helpers.js';

const email = 'rotate@example.com';
const userId = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const mapIds = ['00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];

/** Each map has a current DEK (epoch 2) and an older one (epoch 1) recorded with its first version. */
async function accountWithMaps(count: number) {
  const account = await createAccount(email, 'rotate me', FAST_KDF);
  const maps = await Promise.all(
    mapIds.slice(0, count).map(async (id) => {
      const old = generateDek();
      const current = generateDek();
      const place = { userId, mapId: id, keyVersion: 1 };
      const oldEnvelope = await wrapOwnerDek(old, 1, account.keyPairs, place);
      const envelope = await wrapOwnerDek(current, 2, account.keyPairs, place);
      const oldBlob = (await encryptDocument(v1.DOCUMENT, { userId, mapId: id, dek: old, seq: 1 })).blob;
      return { id, old, current, envelope, oldEnvelope, oldBlob, versionEnvelopes: [oldEnvelope, oldEnvelope, envelope] as Envelope[] };
    }),
  );
  return { account, maps };
}

describe('key rotation', () => {
  it('re-wraps every map and every distinct version envelope so that the new keys alone open them', async () => {
    const { account, maps } = await accountWithMaps(3);
    const rotation = await rotateAccountKeys({
      userId,
      currentKeyPairs: account.keyPairs,
      currentKeyVersion: 1,
      keyEncryptionKey: account.keyEncryptionKey,
      maps: maps.map(({ id, envelope, versionEnvelopes }) => ({ id, envelope, versionEnvelopes })),
    });
    expect(rotation.keyVersion).toBe(2);
    expect(rotation.maps.map((m) => m.id)).toEqual(maps.map((m) => m.id));
    expect(rotation.keys.classicalPublicKey).not.toBe(account.keys.classicalPublicKey);

    // A later login: password → KEK → the new bundle; the old key pairs play no part.
    const login = await deriveLoginKeys({ email, password: 'rotate me', params: account.kdf }, { policy: INSECURE_TEST_KDF_POLICY });
    const { keyPairs: newKeys } = await unlockKeyBundle({ ...rotation.keys, keyVersion: 2 }, login.keyEncryptionKey);
    for (const [i, map] of rotation.maps.entries()) {
      const place = { userId, mapId: map.id, keyVersion: 2 };
      expect(await unwrapOwnerDek(map.envelope, newKeys, place)).toMatchObject({ dek: maps[i]!.current, epoch: 2 });
      // Duplicates collapse: one entry per distinct version envelope, the previous one named.
      expect(map.versionEnvelopes.map((v) => v.previous.wrappedDek)).toEqual([maps[i]!.oldEnvelope.wrappedDek, maps[i]!.envelope.wrappedDek]);
      const old = await unwrapOwnerDek(map.versionEnvelopes[0]!.envelope, newKeys, place);
      expect(old).toMatchObject({ dek: maps[i]!.old, epoch: 1 });
      expect((await decryptDocument(maps[i]!.oldBlob, { userId, mapId: map.id, dek: old.dek })).document).toEqual(v1.DOCUMENT);
    }
  });

  it('leaves the old keys unable to open (or verify) the new envelopes', async () => {
    const { account, maps } = await accountWithMaps(2);
    const rotation = await rotateAccountKeys({
      userId,
      currentKeyPairs: account.keyPairs,
      currentKeyVersion: 4,
      keyEncryptionKey: account.keyEncryptionKey,
      maps: maps.map(({ id }) => ({ id, envelope: maps.find((m) => m.id === id)!.envelope, versionEnvelopes: [] })),
    }).catch((e: unknown) => e);
    // The envelopes were made for keyVersion 1, so a rotation that claims 4 is refused.
    expect(rotation).toBeInstanceOf(DecryptionError);

    const good = await rotateAccountKeys({
      userId,
      currentKeyPairs: account.keyPairs,
      currentKeyVersion: 1,
      keyEncryptionKey: account.keyEncryptionKey,
      maps: maps.map(({ id, envelope }) => ({ id, envelope, versionEnvelopes: [] })),
    });
    for (const map of good.maps) {
      await expect(unwrapOwnerDek(map.envelope, account.keyPairs, { userId, mapId: map.id, keyVersion: 2 })).rejects.toBeInstanceOf(DecryptionError);
    }
  });

  it('handles an account with no maps', async () => {
    const { account } = await accountWithMaps(0);
    const rotation = await rotateAccountKeys({ userId, currentKeyPairs: account.keyPairs, currentKeyVersion: 1, keyEncryptionKey: account.keyEncryptionKey, maps: [] });
    expect(rotation.maps).toEqual([]);
  });

  it('throws, naming the map, when an envelope does not verify — a planted key is never re-signed', async () => {
    const { account, maps } = await accountWithMaps(2);
    const bytes = fromBase64(maps[1]!.envelope.wrappedDek);
    const broken = [
      { id: maps[0]!.id, envelope: maps[0]!.envelope, versionEnvelopes: [] },
      { id: maps[1]!.id, envelope: { ...maps[1]!.envelope, wrappedDek: toBase64(flipped(bytes, 20)) }, versionEnvelopes: [] },
    ];
    await expect(
      rotateAccountKeys({ userId, currentKeyPairs: account.keyPairs, currentKeyVersion: 1, keyEncryptionKey: account.keyEncryptionKey, maps: broken }),
    ).rejects.toThrow(new RegExp(`map ${maps[1]!.id}`));
  });

  it('takes v1 envelopes only when upgrading', async () => {
    const { account } = await accountWithMaps(0);
    const legacy = [{ id: mapIds[0]!, envelope: v1.ENVELOPE, versionEnvelopes: [] }];
    const input = { userId, currentKeyPairs: account.keyPairs, currentKeyVersion: 1, keyEncryptionKey: account.keyEncryptionKey, maps: legacy };
    await expect(rotateAccountKeys(input)).rejects.toMatchObject({ reason: 'not-authentic' });
  });

  it('refuses a nonsensical current key version', async () => {
    const { account } = await accountWithMaps(0);
    await expect(
      rotateAccountKeys({ userId, currentKeyPairs: account.keyPairs, currentKeyVersion: 0, keyEncryptionKey: account.keyEncryptionKey, maps: [] }),
    ).rejects.toThrow(InvalidInputError);
  });
});
