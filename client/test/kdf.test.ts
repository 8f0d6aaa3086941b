import { argon2id } from '@noble/hashes/argon2.js';
import { describe, expect, it } from 'vitest';
import {
  accountAddresses,
  checkKdfParams,
  DEFAULT_KDF_POLICY,
  deriveAccountKeys,
  deriveKdfSalt,
  deriveMasterKey,
  INSECURE_TEST_KDF_POLICY,
  InvalidInputError,
  KdfPolicyError,
  type KdfParams,
  newKdfParams,
  normalizeEmail,
  preNormalisationEmail,
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
  const email = 'ada@example.com';
  const v2 = (password: string, params: KdfParams = v1.KDF) => deriveAccountKeys({ email, password, params }, { policy });

  it('derives the pinned v1 master key, authKey and key-encryption key (legacy path)', async () => {
    const master = await deriveMasterKey({ email, password: v1.PASSWORD, params: v1.KDF, format: 'v1' }, { policy });
    expect(toHex(master)).toBe(v1.MASTER_KEY_HEX);
    const keys = splitMasterKey(fromHex(v1.MASTER_KEY_HEX), 'v1');
    expect(toHex(keys.authKey)).toBe(v1.AUTH_KEY_HEX);
    expect(toHex(keys.keyEncryptionKey)).toBe(v1.KEY_ENCRYPTION_KEY_HEX);
  });

  it('binds the salt to the email: one server salt gives two accounts different keys', async () => {
    const ada = await v2(v1.PASSWORD);
    const bob = await deriveAccountKeys({ email: 'bob@example.com', password: v1.PASSWORD, params: v1.KDF }, { policy });
    expect(toHex(bob.authKey)).not.toBe(toHex(ada.authKey));
    const legacy = await deriveAccountKeys({ email, password: v1.PASSWORD, params: v1.KDF, format: 'v1' }, { policy });
    expect(toHex(legacy.authKey)).not.toBe(toHex(ada.authKey));
    const sameAccount = await deriveAccountKeys({ email: ' ADA@Example.com ', password: v1.PASSWORD, params: v1.KDF }, { policy });
    expect(toHex(sameAccount.authKey)).toBe(toHex(ada.authKey));
  });

  it('keeps authKey and the key-encryption key independent', async () => {
    const keys = await v2(v1.PASSWORD);
    expect(keys.authKey).toHaveLength(32);
    expect(keys.keyEncryptionKey).toHaveLength(32);
    expect(toHex(keys.authKey)).not.toBe(toHex(keys.keyEncryptionKey));
  });

  it('gives different keys for a different password or salt', async () => {
    const base = await v2(v1.PASSWORD);
    const other = await v2('correct horse battery staplf');
    expect(toHex(other.authKey)).not.toBe(toHex(base.authKey));
    const resalted = await v2(v1.PASSWORD, newKdfParams({ memoryKiB: 256, iterations: 1 }));
    expect(toHex(resalted.authKey)).not.toBe(toHex(base.authKey));
  });

  it('normalises the password to NFC, so composed and decomposed accents match', async () => {
    const composed = await v2('caf\u00e9');
    const decomposed = await v2('cafe\u0301');
    expect(toHex(decomposed.authKey)).toBe(toHex(composed.authKey));
  });

  it('refuses an empty password', async () => {
    await expect(v2('')).rejects.toThrow(InvalidInputError);
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
    await expect(deriveAccountKeys({ email: 'ada@example.com', password: v1.PASSWORD, params: v1.KDF })).rejects.toThrow(KdfPolicyError);
  });

  const base: KdfParams = { ...v1.KDF, memoryKiB: 65536, iterations: 3 };
  it.each<[string, Partial<KdfParams>]>([
    ['another algorithm', { algorithm: 'scrypt' as 'argon2id' }],
    ['memory below the default 64 MiB', { memoryKiB: 65535 }],
    ['the old 19 MiB floor', { memoryKiB: 19456 }],
    ['memory above 1 GiB', { memoryKiB: 1048577 }],
    ['one iteration', { iterations: 1 }],
    ['two iterations (below the default 3)', { iterations: 2 }],
    ['absurd iterations', { iterations: 1000 }],
    ['fractional iterations', { iterations: 2.5 }],
    ['zero parallelism', { parallelism: 0 }],
    ['a short salt', { salt: 'AAECAwQFBgc=' }],
    ['a salt that is not base64', { salt: 'not base64!' }],
  ])('rejects %s', (_name, change) => {
    expect(() => checkKdfParams({ ...base, ...change }, DEFAULT_KDF_POLICY)).toThrow(KdfPolicyError);
  });
});

describe('addresses of accounts registered before normalisation (crypto.md §3)', () => {
  it('tries the normal form alone for an address whose older form is the same', () => {
    expect(accountAddresses('  Ada@Example.COM\n')).toEqual([{ email: 'ada@example.com', form: 'normal' }]);
    expect(accountAddresses('zoë@example.com'.normalize('NFD'))).toEqual([{ email: 'zoë@example.com', form: 'normal' }]);
  });

  it('tries the normal form first, then the older client\'s NFC, trim() and lowercase form', () => {
    // Full-width 'Ａ': NFKC makes it 'a', the older form keeps it (lower-cased). The older form also
    // trimmed a no-break space, which today's rule keeps (and registration refuses).
    const typed = '\uff21da@example.com';
    expect(accountAddresses(typed)).toEqual([
      { email: 'ada@example.com', form: 'normal' },
      { email: '\uff41da@example.com', form: 'registered' },
    ]);
    expect(preNormalisationEmail(' \uff21DA@example.com\u00a0')).toBe('\uff41da@example.com');
  });

  it("salts a 'registered' address exactly as given and a 'normal' one normalised", () => {
    const serverSalt = new Uint8Array(16).fill(7);
    const older = '\uff41da@example.com';
    expect(toHex(deriveKdfSalt(older, serverSalt, 'registered'))).not.toBe(toHex(deriveKdfSalt(older, serverSalt)));
    expect(toHex(deriveKdfSalt(older, serverSalt))).toBe(toHex(deriveKdfSalt(normalizeEmail(older), serverSalt, 'registered')));
  });
});
