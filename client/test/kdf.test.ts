import { argon2id } from '@noble/hashes/argon2.js';
import { describe, expect, it } from 'vitest';
import {
  checkKdfParams,
  DEFAULT_KDF_POLICY,
  deriveAccountKeys,
  deriveMasterKey,
  INSECURE_TEST_KDF_POLICY,
  InvalidInputError,
  KdfPolicyError,
  type KdfParams,
  newKdfParams,
  splitMasterKey,
  fromBase64,
} from '../src/index.js';
import * as v1 from './fixtures/v1-vectors.js';
import { fromHex, toHex } from './helpers.js';

const policy = INSECURE_TEST_KDF_POLICY;

describe('argon2id (the library we rely on)', () => {
  it('reproduces the RFC 9106 §5.3 Argon2id test vector', () => {
    const tag = argon2id(new Uint8Array(32).fill(1), new Uint8Array(16).fill(2), {
      t: 3,
      m: 32,
      p: 4,
      dkLen: 32,
      key: new Uint8Array(8).fill(3),
      personalization: new Uint8Array(12).fill(4),
    });
    expect(toHex(tag)).toBe('0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659');
  });
});

describe('account key derivation', () => {
  it('derives the pinned master key, authKey and key-encryption key', async () => {
    const master = await deriveMasterKey(v1.PASSWORD, v1.KDF, { policy });
    expect(toHex(master)).toBe(v1.MASTER_KEY_HEX);
    const keys = splitMasterKey(fromHex(v1.MASTER_KEY_HEX));
    expect(toHex(keys.authKey)).toBe(v1.AUTH_KEY_HEX);
    expect(toHex(keys.keyEncryptionKey)).toBe(v1.KEY_ENCRYPTION_KEY_HEX);
  });

  it('keeps authKey and the key-encryption key independent', async () => {
    const keys = await deriveAccountKeys(v1.PASSWORD, v1.KDF, { policy });
    expect(keys.authKey).toHaveLength(32);
    expect(keys.keyEncryptionKey).toHaveLength(32);
    expect(toHex(keys.authKey)).not.toBe(toHex(keys.keyEncryptionKey));
  });

  it('gives different keys for a different password or salt', async () => {
    const other = await deriveAccountKeys('correct horse battery staplf', v1.KDF, { policy });
    expect(toHex(other.authKey)).not.toBe(v1.AUTH_KEY_HEX);
    const resalted = await deriveAccountKeys(v1.PASSWORD, newKdfParams({ memoryKiB: 256, iterations: 1 }), { policy });
    expect(toHex(resalted.authKey)).not.toBe(v1.AUTH_KEY_HEX);
  });

  it('normalises the password to NFC, so composed and decomposed accents match', async () => {
    const composed = await deriveAccountKeys('caf\u00e9', v1.KDF, { policy });
    const decomposed = await deriveAccountKeys('cafe\u0301', v1.KDF, { policy });
    expect(toHex(decomposed.authKey)).toBe(toHex(composed.authKey));
  });

  it('refuses an empty password', async () => {
    await expect(deriveAccountKeys('', v1.KDF, { policy })).rejects.toThrow(InvalidInputError);
  });
});

describe('KDF parameters', () => {
  it('makes new-account parameters with a random 16-byte salt and the default cost', () => {
    const a = newKdfParams();
    const b = newKdfParams();
    expect(a).toMatchObject({ algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 });
    expect(fromBase64(a.salt)).toHaveLength(16);
    expect(a.salt).not.toBe(b.salt);
    expect(() => checkKdfParams(a)).not.toThrow();
  });

  it('lets tests override the cost', () => {
    expect(newKdfParams({ memoryKiB: 256, iterations: 1 })).toMatchObject({ memoryKiB: 256, iterations: 1, parallelism: 1 });
  });

  it('refuses, by default, a cost a malicious server could brute-force cheaply', async () => {
    await expect(deriveAccountKeys(v1.PASSWORD, v1.KDF)).rejects.toThrow(KdfPolicyError);
  });

  const base: KdfParams = { ...v1.KDF, memoryKiB: 65536, iterations: 3 };
  it.each<[string, Partial<KdfParams>]>([
    ['another algorithm', { algorithm: 'scrypt' as 'argon2id' }],
    ['memory below the floor', { memoryKiB: 19455 }],
    ['memory above 1 GiB', { memoryKiB: 1048577 }],
    ['one iteration', { iterations: 1 }],
    ['absurd iterations', { iterations: 1000 }],
    ['fractional iterations', { iterations: 2.5 }],
    ['zero parallelism', { parallelism: 0 }],
    ['a short salt', { salt: 'AAECAwQFBgc=' }],
    ['a salt that is not base64', { salt: 'not base64!' }],
  ])('rejects %s', (_name, change) => {
    expect(() => checkKdfParams({ ...base, ...change }, DEFAULT_KDF_POLICY)).toThrow(KdfPolicyError);
  });
});
