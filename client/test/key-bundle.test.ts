import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildKeyBundle,
  DecryptionError,
  fromBase64,
  generateKeyPairs,
  keyPairsFromSecrets,
  toBase64,
  unlockKeyBundle,
} from '../src/index.js';
import { ctx } from '../src/crypto/context.js';
import * as v1 from './fixtures/v1-vectors.js';
import { flipped, fromHex, openIndependently, range, toHex } from './helpers.js';

const kek = fromHex(v1.KEY_ENCRYPTION_KEY_HEX);
const legacyBundle = { ...v1.BUNDLE, keyVersion: 1 };

function fixedKeyPairs() {
  return keyPairsFromSecrets(new Uint8Array(32).fill(0x11), Uint8Array.from(range(0, 64)));
}

async function expectDecryptionError(promise: Promise<unknown>): Promise<DecryptionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DecryptionError);
  return error as DecryptionError;
}

describe('key pairs', () => {
  it('derives the pinned public keys from fixed secrets', () => {
    const keys = fixedKeyPairs();
    expect(toHex(keys.classical.publicKey)).toBe(v1.X25519_PUBLIC_HEX);
    expect(createHash('sha256').update(keys.pq.publicKey).digest('hex')).toBe(v1.MLKEM_PUBLIC_SHA256_HEX);
  });

  it('generates fresh pairs of the contract sizes', () => {
    const a = generateKeyPairs();
    const b = generateKeyPairs();
    expect(a.classical.publicKey).toHaveLength(32);
    expect(a.pq.publicKey).toHaveLength(1184);
    expect(a.pq.seed).toHaveLength(64);
    expect(toHex(a.pq.publicKey)).not.toBe(toHex(b.pq.publicKey));
  });
});

describe('key bundle', () => {
  it('produces the contract KeyBundleInput with the documented sizes', async () => {
    const bundle = await buildKeyBundle(generateKeyPairs(), kek, { keyVersion: 1 });
    expect(Object.keys(bundle).sort()).toEqual(['classicalPrivEncrypted', 'classicalPublicKey', 'pqPrivEncrypted', 'pqPublicKey']);
    expect(fromBase64(bundle.classicalPublicKey)).toHaveLength(32);
    expect(fromBase64(bundle.pqPublicKey)).toHaveLength(1184);
    expect(fromBase64(bundle.classicalPrivEncrypted)).toHaveLength(62);
    expect(fromBase64(bundle.pqPrivEncrypted)).toHaveLength(94);
  });

  it('round-trips: the unlocked keys equal the generated ones', async () => {
    const keys = generateKeyPairs();
    const { keyPairs: unlocked, format } = await unlockKeyBundle({ ...(await buildKeyBundle(keys, kek, { keyVersion: 4 })), keyVersion: 4 }, kek);
    expect(format).toBe('v2');
    expect(unlocked.classical.secretKey).toEqual(keys.classical.secretKey);
    expect(unlocked.pq.seed).toEqual(keys.pq.seed);
    expect(unlocked.pq.secretKey).toEqual(keys.pq.secretKey);
  });

  it('binds v2 blobs to their keyVersion: an older bundle relabelled as current does not open', async () => {
    const bundle = await buildKeyBundle(generateKeyPairs(), kek, { keyVersion: 4 });
    for (const keyVersion of [3, 5]) {
      const error = await expectDecryptionError(unlockKeyBundle({ ...bundle, keyVersion }, kek));
      expect(error.reason).toBe('authentication-failed');
    }
  });

  it('lays out the v2 private-key blob as documented (checked with node:crypto)', async () => {
    const bundle = await buildKeyBundle(fixedKeyPairs(), kek, { keyVersion: 7 });
    const blob = fromBase64(bundle.pqPrivEncrypted);
    expect([blob[0], blob[1], blob.length]).toEqual([0x02, 0x01, 94]);
    const aad = ctx('mindvault/v2/private-key/ml-kem-768', Uint8Array.of(0, 0, 0, 7));
    expect(openIndependently(kek, blob, 2, aad)).toEqual(Uint8Array.from(range(0, 64)));
  });

  it('refuses a bundle whose two blobs have different formats', async () => {
    const bundle = await buildKeyBundle(fixedKeyPairs(), kek, { keyVersion: 1 });
    const mixed = { ...bundle, classicalPrivEncrypted: v1.BUNDLE.classicalPrivEncrypted, keyVersion: 1 };
    expect((await expectDecryptionError(unlockKeyBundle(mixed, kek))).reason).toBe('malformed');
  });

  it('still opens the pinned v1 bundle, saying it is v1', async () => {
    const { keyPairs: unlocked, format } = await unlockKeyBundle(legacyBundle, kek);
    expect(format).toBe('v1');
    expect(unlocked.classical.secretKey).toEqual(new Uint8Array(32).fill(0x11));
    expect(unlocked.pq.seed).toEqual(Uint8Array.from(range(0, 64)));
  });

  it('lays out the private-key blob as documented (checked with node:crypto)', () => {
    const blob = fromBase64(v1.BUNDLE.pqPrivEncrypted);
    expect([blob[0], blob[1]]).toEqual([0x01, 0x01]);
    expect(openIndependently(kek, blob, 2, 'mindvault/v1/private-key/ml-kem-768')).toEqual(Uint8Array.from(range(0, 64)));
  });

  it('refuses a wrong key-encryption key (wrong password)', async () => {
    const wrong = flipped(kek, 0);
    const error = await expectDecryptionError(unlockKeyBundle(legacyBundle, wrong));
    expect(error.reason).toBe('authentication-failed');
  });

  describe.each(['classicalPrivEncrypted', 'pqPrivEncrypted'] as const)('tampering with %s', (field) => {
    const blob = fromBase64(v1.BUNDLE[field]);
    const regions = {
      header: range(0, 2),
      nonce: range(2, 14),
      body: range(14, blob.length - 16),
      tag: range(blob.length - 16, blob.length),
    };
    it.each(Object.entries(regions))('any flipped byte in the %s throws', async (_region, indices) => {
      for (const i of indices) {
        for (const mask of [0x01, 0x80]) {
          const tampered = { ...legacyBundle, [field]: toBase64(flipped(blob, i, mask)) };
          await expectDecryptionError(unlockKeyBundle(tampered, kek));
        }
      }
    });

    it('truncation and extension throw', async () => {
      for (const bytes of [blob.subarray(0, blob.length - 1), blob.subarray(0, 1), new Uint8Array(0), Uint8Array.of(...blob, 0)]) {
        await expectDecryptionError(unlockKeyBundle({ ...legacyBundle, [field]: toBase64(bytes) }, kek));
      }
    });
  });

  it('refuses the two private-key blobs swapped (AAD binds which key)', async () => {
    const keys = fixedKeyPairs();
    const pqAsClassical = await buildKeyBundle(keys, kek, { keyVersion: 1 });
    const swapped = { ...pqAsClassical, classicalPrivEncrypted: pqAsClassical.pqPrivEncrypted, pqPrivEncrypted: pqAsClassical.classicalPrivEncrypted, keyVersion: 1 };
    const error = await expectDecryptionError(unlockKeyBundle(swapped, kek));
    expect(error.reason).toBe('authentication-failed');
  });

  it('refuses private keys paired with someone else’s public keys', async () => {
    const other = await buildKeyBundle(generateKeyPairs(), kek, { keyVersion: 1 });
    for (const mixed of [
      { ...legacyBundle, classicalPublicKey: other.classicalPublicKey },
      { ...legacyBundle, pqPublicKey: other.pqPublicKey },
    ]) {
      const error = await expectDecryptionError(unlockKeyBundle(mixed, kek));
      expect(error.reason).toBe('key-mismatch');
    }
  });

  it('refuses public keys of the wrong length or bad base64', async () => {
    for (const bad of [
      { ...legacyBundle, classicalPublicKey: toBase64(new Uint8Array(31)) },
      { ...legacyBundle, pqPublicKey: toBase64(new Uint8Array(1183)) },
      { ...legacyBundle, classicalPrivEncrypted: '*' },
    ]) {
      const error = await expectDecryptionError(unlockKeyBundle(bad, kek));
      expect(error.reason).toBe('malformed');
    }
  });
});
