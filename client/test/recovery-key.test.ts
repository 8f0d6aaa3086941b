/**
 * The recovery key (docs/crypto.md §10): words both ways (with BIP-39's own vectors and an
 * independent encoding), the two HKDF keys checked with node:crypto, the vector's private keys
 * opened with an independent AES-GCM, and a wrapping that opens only with its own key.
 */
import { createHash, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { describe, expect, it } from 'vitest';
import {
  createRecoveryKey,
  ctx,
  DecryptionError,
  deriveRecoveryKeys,
  fromBase64,
  generateKeyPairs,
  generateRecoveryKey,
  InvalidInputError,
  openRecoveryKeyMaterial,
  publicKeysOf,
  recoveryKeyFromWords,
  recoveryKeyToWords,
} from '../src/index.js';
import { u32 } from '../src/crypto/context.js';
import { fromHex, openIndependently, toHex } from './helpers.js';

const v = JSON.parse(readFileSync(new URL('./vectors/recovery-key.json', import.meta.url), 'utf8')) as {
  recoveryKey: string;
  words: string;
  recoveryAuthKey: string;
  wrapKey: string;
  keyVersion: number;
  classicalSecret: string;
  pqSeed: string;
  classicalPublicKey: string;
  pqPublicKey: string;
  classicalPrivEncrypted: string;
  pqPrivEncrypted: string;
};

/** BIP-39 by hand: entropy bits, then the first 4 bits of SHA-256(entropy), in 11-bit word indices. */
function independentWords(entropy: Uint8Array): string {
  const checksum = createHash('sha256').update(entropy).digest()[0]! >> 4;
  let bits = Array.from(entropy, (b) => b.toString(2).padStart(8, '0')).join('') + checksum.toString(2).padStart(4, '0');
  const words: string[] = [];
  for (; bits.length > 0; bits = bits.slice(11)) words.push(wordlist[Number.parseInt(bits.slice(0, 11), 2)]!);
  return words.join(' ');
}

describe('recovery key', () => {
  it('encodes 128 bits as the 12 BIP-39 words of the standard vectors', () => {
    expect(recoveryKeyToWords(new Uint8Array(16))).toBe('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
    expect(recoveryKeyToWords(new Uint8Array(16).fill(0x7f))).toBe('legal winner thank year wave sausage worth useful legal winner thank yellow');
    expect(recoveryKeyToWords(fromHex(v.recoveryKey))).toBe(v.words);
    expect(independentWords(fromHex(v.recoveryKey))).toBe(v.words);
    const fresh = generateRecoveryKey();
    expect(fresh).toHaveLength(16);
    expect(recoveryKeyToWords(fresh)).toBe(independentWords(fresh));
  });

  it('reads the words back however they were typed, and refuses a wrong word, a swap or a missing word', () => {
    expect(toHex(recoveryKeyFromWords(v.words))).toBe(v.recoveryKey);
    const numbered = v.words.split(' ').map((w, i) => `${i + 1}. ${w.toUpperCase()}`).join('\n');
    expect(toHex(recoveryKeyFromWords(`  ${numbered}  `))).toBe(v.recoveryKey);
    const words = v.words.split(' ');
    const swapped = [words[1], words[0], ...words.slice(2)].join(' ');
    const misspelt = ['abandonn', ...words.slice(1)].join(' ');
    for (const wrong of [swapped, misspelt, words.slice(1).join(' '), '', `${v.words} about`]) {
      expect(() => recoveryKeyFromWords(wrong), wrong).toThrow(InvalidInputError);
    }
  });

  it('derives the vector proof and wrap key here and with node:crypto, and they differ', () => {
    const keys = deriveRecoveryKeys(fromHex(v.recoveryKey));
    expect(toHex(keys.recoveryAuthKey)).toBe(v.recoveryAuthKey);
    expect(toHex(keys.wrapKey)).toBe(v.wrapKey);
    const hkdf = (info: string) => Buffer.from(hkdfSync('sha256', fromHex(v.recoveryKey), new Uint8Array(0), info, 32)).toString('hex');
    expect(hkdf('mindvault/v2/recovery-auth-key')).toBe(v.recoveryAuthKey);
    expect(hkdf('mindvault/v2/recovery-wrap-key')).toBe(v.wrapKey);
    expect(v.recoveryAuthKey).not.toBe(v.wrapKey);
  });

  it('opens the vector wrapping, also with an independent AES-GCM and the documented AAD', async () => {
    const material = { classicalPublicKey: v.classicalPublicKey, pqPublicKey: v.pqPublicKey, classicalPrivEncrypted: v.classicalPrivEncrypted, pqPrivEncrypted: v.pqPrivEncrypted, keyVersion: v.keyVersion };
    const pairs = await openRecoveryKeyMaterial(material, fromHex(v.recoveryKey));
    expect(toHex(pairs.classical.secretKey)).toBe(v.classicalSecret);
    expect(toHex(pairs.pq.seed)).toBe(v.pqSeed);
    const classical = openIndependently(fromHex(v.wrapKey), fromBase64(v.classicalPrivEncrypted), 2, ctx('mindvault/v2/private-key/x25519', u32(v.keyVersion)));
    expect(toHex(classical)).toBe(v.classicalSecret);
    const pq = openIndependently(fromHex(v.wrapKey), fromBase64(v.pqPrivEncrypted), 2, ctx('mindvault/v2/private-key/ml-kem-768', u32(v.keyVersion)));
    expect(toHex(pq)).toBe(v.pqSeed);
  });

  it('wraps the private keys so that only its own key, at its keyVersion and beside their public keys, opens them', async () => {
    const pairs = generateKeyPairs();
    const made = await createRecoveryKey(pairs, 2);
    expect(made.words.split(' ')).toHaveLength(12);
    const material = { ...publicKeysOf(pairs), classicalPrivEncrypted: made.wrapping.classicalPrivEncrypted, pqPrivEncrypted: made.wrapping.pqPrivEncrypted, keyVersion: 2 };
    const opened = await openRecoveryKeyMaterial(material, recoveryKeyFromWords(made.words));
    expect(opened.classical.secretKey).toEqual(pairs.classical.secretKey);
    expect(opened.pq.seed).toEqual(pairs.pq.seed);
    // The proof the server stores a hash of is not the wrap key.
    expect(made.wrapping.recoveryAuthKey).toBe(Buffer.from(deriveRecoveryKeys(recoveryKeyFromWords(made.words)).recoveryAuthKey).toString('base64'));
    await expect(openRecoveryKeyMaterial(material, generateRecoveryKey())).rejects.toMatchObject({ reason: 'authentication-failed' });
    await expect(openRecoveryKeyMaterial({ ...material, keyVersion: 1 }, recoveryKeyFromWords(made.words))).rejects.toBeInstanceOf(DecryptionError);
    // A server pairing the wrapping with other public keys is caught.
    const other = publicKeysOf(generateKeyPairs());
    await expect(openRecoveryKeyMaterial({ ...material, ...other }, recoveryKeyFromWords(made.words))).rejects.toMatchObject({ reason: 'key-mismatch' });
  });
});
