import { describe, expect, it } from 'vitest';
import {
  combineSharedSecrets,
  DecryptionError,
  type Envelope,
  fromBase64,
  generateDek,
  generateKeyPairs,
  InvalidInputError,
  keyPairsFromSecrets,
  toBase64,
  unwrapOwnerDek,
  wrapOwnerDek,
} from '../src/index.js';
import * as v1 from './fixtures/v1-vectors.js';
import { flipped, range, toHex } from './helpers.js';

const fixedKeys = keyPairsFromSecrets(new Uint8Array(32).fill(0x11), Uint8Array.from(range(0, 64)));
const here = { userId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', mapId: 'c0ffee00-1234-4abc-8def-0123456789ab', keyVersion: 2 };
const legacy = { allowLegacy: true };

async function expectDecryptionError(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DecryptionError);
}

describe('hybrid combiner', () => {
  it('gives the pinned v1 output on fixed inputs (cross-checked with node:crypto HKDF)', () => {
    const kek = combineSharedSecrets(
      {
      pqSharedSecret: new Uint8Array(32).fill(1),
      classicalSharedSecret: new Uint8Array(32).fill(2),
      ephClassicalPublic: new Uint8Array(32).fill(3),
      pqCiphertext: new Uint8Array(1088).fill(4),
      recipientClassicalPublic: new Uint8Array(32).fill(5),
      recipientPqPublic: new Uint8Array(1184).fill(6),
      },
      'v1',
    );
    expect(toHex(kek)).toBe(v1.COMBINER_HEX);
  });

  it('changes when any one input changes', () => {
    const base = {
      pqSharedSecret: new Uint8Array(32).fill(1),
      classicalSharedSecret: new Uint8Array(32).fill(2),
      ephClassicalPublic: new Uint8Array(32).fill(3),
      pqCiphertext: new Uint8Array(1088).fill(4),
      recipientClassicalPublic: new Uint8Array(32).fill(5),
      recipientPqPublic: new Uint8Array(1184).fill(6),
    };
    for (const key of Object.keys(base) as (keyof typeof base)[]) {
      const changed = { ...base, [key]: flipped(base[key], base[key].length - 1) };
      expect(toHex(combineSharedSecrets(changed, 'v1')), key).not.toBe(v1.COMBINER_HEX);
    }
  });
});

describe('owner envelope (v2)', async () => {
  const dek = new Uint8Array(32).fill(v1.DEK_BYTE);
  const envelope = await wrapOwnerDek(dek, 3, fixedKeys, here);

  it('round-trips a DEK and its epoch, with exactly the contract fields and sizes', async () => {
    const keys = generateKeyPairs();
    const fresh = generateDek();
    const wrapped = await wrapOwnerDek(fresh, 1, keys, here);
    expect(Object.keys(wrapped).sort()).toEqual(['ephClassicalPublic', 'ephPqCiphertext', 'wrappedDek']);
    expect(fromBase64(wrapped.ephClassicalPublic)).toHaveLength(32);
    expect(fromBase64(wrapped.ephPqCiphertext)).toHaveLength(1088);
    expect(fromBase64(wrapped.wrappedDek)).toHaveLength(97);
    expect(await unwrapOwnerDek(wrapped, keys, here)).toEqual({ dek: fresh, epoch: 1, format: 'v2' });
  });

  it('is randomised: two wraps of the same DEK share no field', async () => {
    const again = await wrapOwnerDek(dek, 3, fixedKeys, here);
    expect(again.ephClassicalPublic).not.toBe(envelope.ephClassicalPublic);
    expect(again.ephPqCiphertext).not.toBe(envelope.ephPqCiphertext);
    expect(again.wrappedDek).not.toBe(envelope.wrappedDek);
  });

  it('refuses, as not authentic, an envelope made with only the public keys (what a server can do)', async () => {
    // Same public keys, but another account MAC key: exactly a planted envelope.
    const planter = { ...fixedKeys, classical: { ...fixedKeys.classical, secretKey: new Uint8Array(32).fill(0x22) } };
    const planted = await wrapOwnerDek(generateDek(), 9, planter, here);
    await expect(unwrapOwnerDek(planted, fixedKeys, here)).rejects.toMatchObject({ reason: 'not-authentic' });
  });

  it('refuses the envelope in another map, user or keyVersion', async () => {
    for (const elsewhere of [
      { ...here, mapId: 'deadbeef-0000-4000-8000-000000000001' },
      { ...here, userId: '9b2c1f4e-7d3a-4c5b-8e6f-1a2b3c4d5e6f' },
      { ...here, keyVersion: 3 },
    ]) {
      await expect(unwrapOwnerDek(envelope, fixedKeys, elsewhere)).rejects.toMatchObject({ reason: 'not-authentic' });
    }
  });

  it('does not open with another key pair, or only one of the two right private keys', async () => {
    const other = generateKeyPairs();
    await expectDecryptionError(unwrapOwnerDek(envelope, other, here));
    await expectDecryptionError(unwrapOwnerDek(envelope, { ...fixedKeys, classical: other.classical }, here));
    await expectDecryptionError(unwrapOwnerDek(envelope, { ...fixedKeys, pq: other.pq }, here));
  });

  const cases: [keyof Envelope, number[]][] = [
    ['ephClassicalPublic', range(0, 32)],
    ['ephPqCiphertext', [...range(0, 16), ...range(16, 1072, 7), ...range(1072, 1088)]],
    ['wrappedDek', range(0, 97)],
  ];
  it.each(cases)('throws for any flipped byte of %s', async (field, indices) => {
    const bytes = fromBase64(envelope[field]);
    for (const i of indices) {
      for (const mask of [0x01, 0x80]) {
        await expectDecryptionError(unwrapOwnerDek({ ...envelope, [field]: toBase64(flipped(bytes, i, mask)) }, fixedKeys, here));
      }
    }
  });

  it.each(['ephClassicalPublic', 'ephPqCiphertext', 'wrappedDek'] as const)('throws for a truncated or padded %s', async (field) => {
    const bytes = fromBase64(envelope[field]);
    for (const wrong of [bytes.subarray(0, bytes.length - 1), Uint8Array.of(...bytes, 0), new Uint8Array(0)]) {
      await expectDecryptionError(unwrapOwnerDek({ ...envelope, [field]: toBase64(wrong) }, fixedKeys, here));
    }
    await expect(unwrapOwnerDek({ ...envelope, [field]: 'not base64' }, fixedKeys, here)).rejects.toMatchObject({ reason: 'malformed' });
  });

  it('refuses to wrap a wrong-size DEK or epoch 0', async () => {
    await expect(wrapOwnerDek(new Uint8Array(16), 1, fixedKeys, here)).rejects.toThrow(InvalidInputError);
    await expect(wrapOwnerDek(dek, 0, fixedKeys, here)).rejects.toThrow(InvalidInputError);
  });
});

describe('owner envelope (v1, read only while upgrading)', () => {
  it('still opens the pinned v1 envelope when the legacy path asks', async () => {
    expect(await unwrapOwnerDek(v1.ENVELOPE, fixedKeys, here, legacy)).toEqual({ dek: new Uint8Array(32).fill(v1.DEK_BYTE), epoch: 1, format: 'v1' });
  });

  it('refuses a v1 envelope otherwise: nothing authenticates it', async () => {
    await expect(unwrapOwnerDek(v1.ENVELOPE, fixedKeys, here)).rejects.toMatchObject({ reason: 'not-authentic' });
  });

  it('does not open with another key pair, and throws for flipped bytes', async () => {
    await expectDecryptionError(unwrapOwnerDek(v1.ENVELOPE, generateKeyPairs(), here, legacy));
    const bytes = fromBase64(v1.ENVELOPE.wrappedDek);
    for (const i of range(0, 60)) {
      await expectDecryptionError(unwrapOwnerDek({ ...v1.ENVELOPE, wrappedDek: toBase64(flipped(bytes, i)) }, fixedKeys, here, legacy));
    }
  });

  it('throws for a low-order ephemeral key instead of using an all-zero secret', async () => {
    await expectDecryptionError(unwrapOwnerDek({ ...v1.ENVELOPE, ephClassicalPublic: toBase64(new Uint8Array(32)) }, fixedKeys, here, legacy));
  });
});
