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
  publicKeysOf,
  toBase64,
  unwrapDek,
  wrapDek,
} from '../src/index.js';
import * as v1 from './fixtures/v1-vectors.js';
import { flipped, range, toHex } from './helpers.js';

const fixedKeys = keyPairsFromSecrets(new Uint8Array(32).fill(0x11), Uint8Array.from(range(0, 64)));

async function expectDecryptionError(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DecryptionError);
}

describe('hybrid combiner', () => {
  it('gives the pinned output on fixed inputs (cross-checked with node:crypto HKDF)', () => {
    const kek = combineSharedSecrets({
      pqSharedSecret: new Uint8Array(32).fill(1),
      classicalSharedSecret: new Uint8Array(32).fill(2),
      ephClassicalPublic: new Uint8Array(32).fill(3),
      pqCiphertext: new Uint8Array(1088).fill(4),
      recipientClassicalPublic: new Uint8Array(32).fill(5),
      recipientPqPublic: new Uint8Array(1184).fill(6),
    });
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
      expect(toHex(combineSharedSecrets(changed)), key).not.toBe(v1.COMBINER_HEX);
    }
  });
});

describe('envelope', () => {
  it('round-trips a DEK and has exactly the contract fields and sizes', async () => {
    const keys = generateKeyPairs();
    const dek = generateDek();
    const envelope = await wrapDek(dek, publicKeysOf(keys));
    expect(Object.keys(envelope).sort()).toEqual(['ephClassicalPublic', 'ephPqCiphertext', 'wrappedDek']);
    expect(fromBase64(envelope.ephClassicalPublic)).toHaveLength(32);
    expect(fromBase64(envelope.ephPqCiphertext)).toHaveLength(1088);
    expect(fromBase64(envelope.wrappedDek)).toHaveLength(60);
    expect(await unwrapDek(envelope, keys)).toEqual(dek);
  });

  it('is randomised: two wraps of the same DEK share no field', async () => {
    const dek = generateDek();
    const a = await wrapDek(dek, publicKeysOf(fixedKeys));
    const b = await wrapDek(dek, publicKeysOf(fixedKeys));
    expect(a.ephClassicalPublic).not.toBe(b.ephClassicalPublic);
    expect(a.ephPqCiphertext).not.toBe(b.ephPqCiphertext);
    expect(a.wrappedDek).not.toBe(b.wrappedDek);
  });

  it('still opens the pinned v1 envelope', async () => {
    expect(await unwrapDek(v1.ENVELOPE, fixedKeys)).toEqual(new Uint8Array(32).fill(v1.DEK_BYTE));
  });

  it('does not open with another key pair', async () => {
    await expectDecryptionError(unwrapDek(v1.ENVELOPE, generateKeyPairs()));
  });

  it('does not open with only one of the two right private keys', async () => {
    const other = generateKeyPairs();
    await expectDecryptionError(unwrapDek(v1.ENVELOPE, { ...fixedKeys, classical: other.classical }));
    await expectDecryptionError(unwrapDek(v1.ENVELOPE, { ...fixedKeys, pq: other.pq }));
  });

  // Exhaustive over the small fields; the ML-KEM ciphertext is covered at both ends and at a stride.
  const cases: [keyof Envelope, number[]][] = [
    ['ephClassicalPublic', range(0, 32)],
    ['ephPqCiphertext', [...range(0, 16), ...range(16, 1072, 7), ...range(1072, 1088)]],
    ['wrappedDek', range(0, 60)],
  ];
  it.each(cases)('throws for any flipped byte of %s', async (field, indices) => {
    const bytes = fromBase64(v1.ENVELOPE[field]);
    for (const i of indices) {
      // 0x80 on the last X25519 byte is the bit RFC 7748 ignores: binding E in the combiner catches it.
      for (const mask of [0x01, 0x80]) {
        await expectDecryptionError(unwrapDek({ ...v1.ENVELOPE, [field]: toBase64(flipped(bytes, i, mask)) }, fixedKeys));
      }
    }
  });

  it.each(['ephClassicalPublic', 'ephPqCiphertext', 'wrappedDek'] as const)('throws for a truncated or padded %s', async (field) => {
    const bytes = fromBase64(v1.ENVELOPE[field]);
    for (const wrong of [bytes.subarray(0, bytes.length - 1), Uint8Array.of(...bytes, 0), new Uint8Array(0)]) {
      await expect(unwrapDek({ ...v1.ENVELOPE, [field]: toBase64(wrong) }, fixedKeys)).rejects.toMatchObject({ reason: 'malformed' });
    }
    await expect(unwrapDek({ ...v1.ENVELOPE, [field]: 'not base64' }, fixedKeys)).rejects.toMatchObject({ reason: 'malformed' });
  });

  it('throws for a low-order ephemeral key instead of using an all-zero secret', async () => {
    await expectDecryptionError(unwrapDek({ ...v1.ENVELOPE, ephClassicalPublic: toBase64(new Uint8Array(32)) }, fixedKeys));
  });

  it('refuses to wrap for malformed recipient keys or a wrong-size DEK', async () => {
    const recipient = publicKeysOf(fixedKeys);
    await expect(wrapDek(generateDek(), { ...recipient, classicalPublicKey: toBase64(new Uint8Array(31)) })).rejects.toThrow(InvalidInputError);
    await expect(wrapDek(generateDek(), { ...recipient, classicalPublicKey: toBase64(new Uint8Array(32)) })).rejects.toThrow(InvalidInputError);
    await expect(wrapDek(generateDek(), { ...recipient, pqPublicKey: toBase64(new Uint8Array(1184).fill(0xff)) })).rejects.toThrow(InvalidInputError);
    await expect(wrapDek(new Uint8Array(16), recipient)).rejects.toThrow(InvalidInputError);
  });
});
