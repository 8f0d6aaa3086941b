/**
 * Consumes test/vectors/v2.json, the language-neutral vectors of docs/crypto.md: every derivation
 * is recomputed, every sealed value must open to what the file says, and every mustRefuse case
 * must be refused. The KDF, the salt, HKDF and HMAC are also recomputed with independent code
 * (@noble/hashes' own argon2id, node:crypto), so the file does not merely agree with itself.
 */
import { argon2id } from '@noble/hashes/argon2.js';
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  combineSharedSecrets,
  ctx,
  decryptDocument,
  decryptTitle,
  deriveAccountKeys,
  deriveAccountMacKey,
  deriveContentKey,
  deriveKdfSalt,
  deriveShareKek,
  deriveTitleKey,
  fromBase64,
  fromBase64Url,
  INSECURE_TEST_KDF_POLICY,
  type KdfParams,
  keyPairsFromSecrets,
  normalizeEmail,
  openLinkShare,
  readContentHeader,
  toBase64,
  unlockKeyBundle,
  unwrapOwnerDek,
  uuidBytes,
} from '../src/index.js';
import { fromHex, openIndependently, toHex } from './helpers.js';

interface KdfVector {
  email: string;
  normalizedEmail: string;
  password: string;
  params: KdfParams;
  salt: string;
  masterKey: string;
  authKey: string;
  keyEncryptionKey: string;
}

const v = JSON.parse(readFileSync(new URL('./vectors/v2.json', import.meta.url), 'utf8'));
const kdf = v.kdf as KdfVector[];
const keyPairs = keyPairsFromSecrets(fromHex(v.account.x25519Secret), fromHex(v.account.mlkemSeed));
const hkdf32 = (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array) => new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32));

describe('v2 vectors: encodings and key derivation', () => {
  it('encodes ctx() field lists as in the file', () => {
    for (const c of v.ctx as { fields: string[]; hexFields: number[]; encoding: string }[]) {
      const fields = c.fields.map((f, i) => (c.hexFields.includes(i) ? fromHex(f) : f));
      expect(toHex(ctx(...fields))).toBe(c.encoding);
    }
  });

  it('includes a vector at the default cost (64 MiB, t = 3, p = 1)', () => {
    expect(kdf.some((k) => k.params.memoryKiB === 65536 && k.params.iterations === 3 && k.params.parallelism === 1)).toBe(true);
  });

  for (const k of kdf) {
    it(`derives salt, master key, authKey and KEK (m=${k.params.memoryKiB} KiB, t=${k.params.iterations})`, async () => {
      expect(normalizeEmail(k.email)).toBe(k.normalizedEmail);
      const serverSalt = fromBase64(k.params.salt);
      expect(toHex(deriveKdfSalt(k.email, serverSalt))).toBe(k.salt);
      // Independent: SHA-256 over the ctx() bytes written out by hand.
      const label = Buffer.from('mindvault/v2/kdf-salt');
      const mail = Buffer.from(k.normalizedEmail);
      const manual = Buffer.concat([u16(label.length), label, u16(mail.length), mail, u16(serverSalt.length), serverSalt]);
      expect(createHash('sha256').update(manual).digest('hex')).toBe(k.salt);

      const keys = await deriveAccountKeys({ email: k.email, password: k.password, params: k.params }, { policy: INSECURE_TEST_KDF_POLICY });
      expect(toHex(keys.authKey)).toBe(k.authKey);
      expect(toHex(keys.keyEncryptionKey)).toBe(k.keyEncryptionKey);
      expect(toHex(hkdf32(fromHex(k.masterKey), new Uint8Array(0), Buffer.from('mindvault/v2/auth-key')))).toBe(k.authKey);
      expect(toHex(hkdf32(fromHex(k.masterKey), new Uint8Array(0), Buffer.from('mindvault/v2/key-encryption-key')))).toBe(k.keyEncryptionKey);
    });
  }

  it('normalises every email of test/vectors/email.json as the file says (the server keys accounts by the same)', () => {
    const emails = JSON.parse(readFileSync(new URL('./vectors/email.json', import.meta.url), 'utf8')) as { vectors: { input: string; normalized: string }[] };
    for (const e of emails.vectors) expect(normalizeEmail(e.input), JSON.stringify(e.input)).toBe(e.normalized);
  });

  it('derives the same keys from a password in NFD as from it in NFC', () => {
    const nfd = kdf.find((k) => k.password !== k.password.normalize('NFC'))!;
    const nfc = kdf.find((k) => k !== nfd && k.password === nfd.password.normalize('NFC'))!;
    expect([nfc.masterKey, nfc.authKey, nfc.keyEncryptionKey]).toEqual([nfd.masterKey, nfd.authKey, nfd.keyEncryptionKey]);
  });

  it('matches an independent Argon2id (noble, version 0x13) on the small-cost vector', () => {
    const k = kdf.find((x) => x.params.memoryKiB === 256)!;
    const master = argon2id(Buffer.from(k.password.normalize('NFC')), fromHex(k.salt), { m: 256, t: 1, p: 1, dkLen: 32, version: 0x13 });
    expect(toHex(master)).toBe(k.masterKey);
  });

  it('derives the account MAC key, the title key and the content key', () => {
    expect(toHex(keyPairs.classical.publicKey)).toBe(v.account.x25519Public);
    expect(toHex(keyPairs.pq.publicKey)).toBe(v.account.mlkemPublic);
    expect(toHex(deriveAccountMacKey(keyPairs))).toBe(v.account.accountMacKey);
    const ikm = Buffer.concat([fromHex(v.account.x25519Secret), fromHex(v.account.mlkemSeed)]);
    expect(toHex(hkdf32(ikm, new Uint8Array(0), Buffer.from('mindvault/v2/account-mac-key')))).toBe(v.account.accountMacKey);

    const dek = fromHex(v.ownerEnvelope.dek);
    expect(toHex(deriveTitleKey(dek, v.ids.mapId))).toBe(v.keys.titleKey);
    const ck = v.keys.contentKey;
    expect(toHex(deriveContentKey(dek, v.ids.mapId, ck.seq, fromHex(ck.versionNonce)))).toBe(ck.key);
    const info = ctx('mindvault/v2/content-key', uuidBytes(v.ids.mapId), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, ck.seq));
    expect(toHex(hkdf32(dek, fromHex(ck.versionNonce), info))).toBe(ck.key);
  });

  it('combines the hybrid shared secrets as in the file', () => {
    const c = v.combiner;
    const kek = combineSharedSecrets({
      pqSharedSecret: fromHex(c.pqSharedSecret),
      classicalSharedSecret: fromHex(c.classicalSharedSecret),
      ephClassicalPublic: fromHex(c.ephClassicalPublic),
      pqCiphertext: fromHex(c.pqCiphertext),
      recipientClassicalPublic: fromHex(c.recipientClassicalPublic),
      recipientPqPublic: fromHex(c.recipientPqPublic),
    });
    expect(toHex(kek)).toBe(c.kek);
    const info = Buffer.concat([
      Buffer.from('mindvault/v2/hybrid-kem/x25519-mlkem768'),
      fromHex(c.ephClassicalPublic),
      createHash('sha256').update(fromHex(c.pqCiphertext)).digest(),
      fromHex(c.recipientClassicalPublic),
      createHash('sha256').update(fromHex(c.recipientPqPublic)).digest(),
    ]);
    expect(toHex(hkdf32(Buffer.concat([fromHex(c.pqSharedSecret), fromHex(c.classicalSharedSecret)]), new Uint8Array(0), info))).toBe(c.kek);
  });
});

describe('v2 vectors: sealed values open', () => {
  it('opens the key bundle with the KEK at its keyVersion', async () => {
    const { keyPairs: opened, format } = await unlockKeyBundle(v.account.bundle, fromHex(v.account.keyEncryptionKey));
    expect(format).toBe('v2');
    expect(toHex(opened.classical.secretKey)).toBe(v.account.x25519Secret);
    expect(toHex(opened.pq.seed)).toBe(v.account.mlkemSeed);
  });

  it('verifies the owner envelope MAC (independently too) and opens the DEK and epoch', async () => {
    const e = v.ownerEnvelope;
    const opened = await unwrapOwnerDek(e.envelope, keyPairs, { userId: e.userId, mapId: e.mapId, keyVersion: e.keyVersion });
    expect(toHex(opened.dek)).toBe(e.dek);
    expect(opened.epoch).toBe(e.epoch);
    const w = fromBase64(e.envelope.wrappedDek);
    const c = ctx('mindvault/v2/envelope/owner', uuidBytes(e.userId), uuidBytes(e.mapId), u32(e.keyVersion), u32(e.epoch));
    const macInput = ctx('mindvault/v2/mac/owner-envelope', c, fromBase64(e.envelope.ephClassicalPublic), fromBase64(e.envelope.ephPqCiphertext), w.subarray(0, 65));
    expect(createHmac('sha256', fromHex(v.account.accountMacKey)).update(macInput).digest('hex')).toBe(toHex(w.subarray(65)));
  });

  it('opens the document blob with the DEK and with its content key alone', async () => {
    const d = v.document;
    const blob = fromBase64(d.blob);
    expect(readContentHeader(blob)).toMatchObject({ format: 'v2', seq: d.seq });
    const byDek = await decryptDocument(blob, { userId: d.userId, mapId: d.mapId, dek: fromHex(v.ownerEnvelope.dek) });
    expect(byDek).toEqual({ document: d.plaintext, seq: d.seq, format: 'v2' });
    const byKey = await decryptDocument(blob, { userId: d.userId, mapId: d.mapId, contentKey: fromHex(v.keys.contentKey.key) });
    expect(byKey.document).toEqual(d.plaintext);
  });

  it('opens the title with its revision', async () => {
    const t = v.title;
    expect(await decryptTitle(t.encryptedTitle, { userId: t.userId, mapId: t.mapId, dek: fromHex(v.ownerEnvelope.dek) })).toEqual({
      title: t.title,
      revision: t.revision,
      format: 'v2',
    });
  });

  it('opens both kinds of share link to what they carry', async () => {
    for (const share of [v.shares.map, v.shares.version]) {
      const keys = await openLinkShare(share.envelope, fromBase64Url(share.linkKey));
      const expected = Object.fromEntries(
        Object.entries(share.opens as Record<string, unknown>).map(([k, x]) => [k, ['dek', 'contentKey', 'titleKey'].includes(k) ? fromHex(x as string) : x]),
      );
      expect(keys).toEqual(expected);
    }
  });
});

describe('v2 vectors: must refuse', () => {
  for (const r of v.mustRefuse as { what: string; item: string; context: Record<string, unknown> }[]) {
    it(`refuses: ${r.what}`, async () => {
      let attempt: Promise<unknown>;
      if (r.item === 'ownerEnvelope') attempt = unwrapOwnerDek(v.ownerEnvelope.envelope, keyPairs, r.context as never);
      else if (r.item === 'document') attempt = decryptDocument(fromBase64(v.document.blob), { ...(r.context as { userId: string; mapId: string }), dek: fromHex(v.ownerEnvelope.dek) });
      else if (r.item === 'title') attempt = decryptTitle(v.title.encryptedTitle, { ...(r.context as { userId: string; mapId: string }), dek: fromHex(v.ownerEnvelope.dek) });
      else attempt = unlockKeyBundle({ ...v.account.bundle, ...r.context }, fromHex(v.account.keyEncryptionKey));
      await expect(attempt).rejects.toMatchObject({ name: 'DecryptionError' });
    });
  }
});

describe('v1 vectors (test/vectors/v1.json): read only, every value recomputed or opened, and checked independently', () => {
  const w = JSON.parse(readFileSync(new URL('./vectors/v1.json', import.meta.url), 'utf8'));
  const place = { userId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', mapId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', keyVersion: 1 };
  const dek = fromHex(w.ownerEnvelope.dek);
  const kek = fromHex(w.kdf.keyEncryptionKey);

  it('derives master key, authKey and KEK from the server salt as is (no email)', async () => {
    const k = w.kdf;
    for (const email of ['ada@example.com', 'someone.else@example.org']) {
      const keys = await deriveAccountKeys({ email, password: k.password, params: k.params, format: 'v1' }, { policy: INSECURE_TEST_KDF_POLICY });
      expect([toHex(keys.authKey), toBase64(keys.authKey), toHex(keys.keyEncryptionKey)]).toEqual([k.authKey, k.authKeyBase64, k.keyEncryptionKey]);
    }
    const p = k.params;
    const master = argon2id(Buffer.from(k.password.normalize('NFC')), fromBase64(p.salt), { m: p.memoryKiB, t: p.iterations, p: p.parallelism, dkLen: 32, version: 0x13 });
    expect(toHex(master)).toBe(k.masterKey);
    expect(toHex(hkdf32(master, new Uint8Array(0), Buffer.from('mindvault/v1/auth-key')))).toBe(k.authKey);
    expect(toHex(hkdf32(master, new Uint8Array(0), Buffer.from('mindvault/v1/key-encryption-key')))).toBe(k.keyEncryptionKey);
  });

  it('opens the key bundle to the fixed key pairs; each private-key blob opens with node:crypto as laid out', async () => {
    const fixed = keyPairsFromSecrets(fromHex(w.account.x25519Secret), fromHex(w.account.mlkemSeed));
    expect(toHex(fixed.classical.publicKey)).toBe(w.account.x25519Public);
    expect(createHash('sha256').update(fixed.pq.publicKey).digest('hex')).toBe(w.account.mlkemPublicSha256);
    const { keyPairs: unlocked, format } = await unlockKeyBundle({ ...w.account.bundle, keyVersion: 1 }, kek);
    expect(format).toBe('v1');
    expect([toHex(unlocked.classical.secretKey), toHex(unlocked.pq.seed)]).toEqual([w.account.x25519Secret, w.account.mlkemSeed]);
    const bundle = w.account.bundle;
    expect(toHex(openIndependently(kek, fromBase64(bundle.classicalPrivEncrypted), 2, 'mindvault/v1/private-key/x25519'))).toBe(w.account.x25519Secret);
    expect(toHex(openIndependently(kek, fromBase64(bundle.pqPrivEncrypted), 2, 'mindvault/v1/private-key/ml-kem-768'))).toBe(w.account.mlkemSeed);
  });

  it('combines the hybrid shared secrets as in the file (plain-label info), and independently', () => {
    const c = w.combiner;
    const input = {
      pqSharedSecret: fromHex(c.pqSharedSecret),
      classicalSharedSecret: fromHex(c.classicalSharedSecret),
      ephClassicalPublic: fromHex(c.ephClassicalPublic),
      pqCiphertext: fromHex(c.pqCiphertext),
      recipientClassicalPublic: fromHex(c.recipientClassicalPublic),
      recipientPqPublic: fromHex(c.recipientPqPublic),
    };
    expect(toHex(combineSharedSecrets(input, 'v1'))).toBe(c.kek);
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();
    const info = Buffer.concat([Buffer.from('mindvault/v1/hybrid-kem/x25519-mlkem768'), input.ephClassicalPublic, sha(input.pqCiphertext), input.recipientClassicalPublic, sha(input.recipientPqPublic)]);
    expect(toHex(hkdf32(Buffer.concat([input.pqSharedSecret, input.classicalSharedSecret]), new Uint8Array(0), info))).toBe(c.kek);
  });

  it('opens the owner envelope on the upgrade path only (nothing authenticates it)', async () => {
    const keyPairs = keyPairsFromSecrets(fromHex(w.account.x25519Secret), fromHex(w.account.mlkemSeed));
    expect(await unwrapOwnerDek(w.ownerEnvelope.envelope, keyPairs, place, { allowLegacy: true })).toEqual({ dek, epoch: 1, format: 'v1' });
    expect(fromBase64(w.ownerEnvelope.envelope.wrappedDek)).toHaveLength(60);
    await expect(unwrapOwnerDek(w.ownerEnvelope.envelope, keyPairs, place)).rejects.toMatchObject({ name: 'DecryptionError' });
  });

  it('opens the document blob and the title with the DEK, and with node:crypto as laid out', async () => {
    const blob = fromBase64(w.document.blob);
    const opened = await decryptDocument(blob, { ...place, dek });
    expect(opened).toMatchObject({ document: w.document.plaintext, format: 'v1' });
    expect(JSON.parse(Buffer.from(openIndependently(dek, blob, 5, 'mindvault/v1/content/document')).toString('utf8'))).toEqual(w.document.plaintext);
    expect(await decryptTitle(w.title.encryptedTitle, { ...place, dek })).toEqual({ title: w.title.title, revision: 0, format: 'v1' });
    expect(Buffer.from(openIndependently(dek, fromBase64(w.title.encryptedTitle), 5, 'mindvault/v1/content/title')).toString('utf8')).toBe(w.title.title);
  });

  it('derives the share-link KEK from the link key, and independently', () => {
    const linkKey = fromHex(w.shareKek.linkKey);
    expect(toHex(deriveShareKek(linkKey, 'v1'))).toBe(w.shareKek.kek);
    expect(toHex(hkdf32(linkKey, new Uint8Array(0), Buffer.from('mindvault/v1/share-link/kek')))).toBe(w.shareKek.kek);
  });
});

function u16(n: number): Buffer {
  return Buffer.from([n >> 8, n & 0xff]);
}

function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}
