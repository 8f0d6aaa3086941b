import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildShareUrl,
  createLinkShare,
  DecryptionError,
  decryptDocument,
  decryptTitle,
  deriveShareKek,
  encryptDocument,
  encryptTitle,
  type Envelope,
  fromBase64,
  generateDek,
  generateKeyPairs,
  InvalidInputError,
  openLinkShare,
  parseShareUrl,
  toBase64,
  unwrapOwnerDek,
  wrapOwnerDek,
} from '../src/index.js';
import { deriveTitleKey } from '../src/crypto/content-cipher.js';
import * as v1 from './fixtures/v1-vectors.js';
import { flipped, fromHex, range, toHex } from './helpers.js';

const place = { userId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', mapId: 'c0ffee00-1234-4abc-8def-0123456789ab' };
const mapLink = (dek: Uint8Array) => createLinkShare({ kind: 'map', ...place, epoch: 1, dek });

async function expectDecryptionError(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DecryptionError);
}

describe('link shares', () => {
  it('derives the pinned v1 share KEK from a fixed link key', () => {
    expect(toHex(deriveShareKek(new Uint8Array(32).fill(7), 'v1'))).toBe(v1.SHARE_KEK_HEX);
  });

  it('still opens a v1 link envelope built independently from the documented layout', async () => {
    const nonce = new Uint8Array(12).fill(9);
    const cipher = createCipheriv('aes-256-gcm', fromHex(v1.SHARE_KEK_HEX), nonce);
    cipher.setAAD(Buffer.from('mindvault/v1/envelope/share-link'));
    const body = Buffer.concat([cipher.update(new Uint8Array(32).fill(v1.DEK_BYTE)), cipher.final(), cipher.getAuthTag()]);
    const envelope: Envelope = {
      ephClassicalPublic: toBase64(new Uint8Array(32)),
      ephPqCiphertext: toBase64(new Uint8Array(1088)),
      wrappedDek: toBase64(Buffer.concat([nonce, body])),
    };
    expect(await openLinkShare(envelope, new Uint8Array(32).fill(7))).toEqual({ kind: 'legacy', dek: new Uint8Array(32).fill(v1.DEK_BYTE) });
  });

  it('lets a public reader decrypt title and content from a map link alone', async () => {
    // Owner side.
    const dek = generateDek();
    const encryptedTitle = await encryptTitle('Shared plan', 1, { ...place, dek });
    const { blob } = await encryptDocument(v1.DOCUMENT, { ...place, dek, seq: 3 });
    const share = await mapLink(dek);
    const url = buildShareUrl('https://mindvault.example', 'tok_abc-123', share.linkKey);
    expect(url).toMatch(/^https:\/\/mindvault\.example\/s\/tok_abc-123#[A-Za-z0-9_-]{43}$/);

    // Reader side: only the URL, and what GET /api/public/shares/:token returns.
    const { token, linkKey } = parseShareUrl(url);
    expect(token).toBe('tok_abc-123');
    const publicShare = { encryptedTitle, envelope: share.envelope };
    const keys = await openLinkShare(publicShare.envelope, linkKey);
    expect(keys).toEqual({ kind: 'map', ...place, epoch: 1, dek });
    if (keys.kind !== 'map') throw new Error('unreachable');
    expect((await decryptTitle(publicShare.encryptedTitle, { ...place, dek: keys.dek })).title).toBe('Shared plan');
    expect((await decryptDocument(blob, { ...place, dek: keys.dek })).document).toEqual(v1.DOCUMENT);
  });

  it('a version link carries that version key and the title key, and opens no other version', async () => {
    const dek = generateDek();
    const pinned = await encryptDocument(v1.DOCUMENT, { ...place, dek, seq: 3 });
    const later = await encryptDocument(v1.DOCUMENT, { ...place, dek, seq: 4 });
    const titleKey = deriveTitleKey(dek, place.mapId);
    const share = await createLinkShare({ kind: 'version', ...place, seq: 3, contentKey: pinned.contentKey, titleKey });
    const keys = await openLinkShare(share.envelope, share.linkKey);
    expect(keys).toEqual({ kind: 'version', ...place, seq: 3, contentKey: pinned.contentKey, titleKey });
    if (keys.kind !== 'version') throw new Error('unreachable');
    expect((await decryptDocument(pinned.blob, { ...place, contentKey: keys.contentKey })).document).toEqual(v1.DOCUMENT);
    await expectDecryptionError(decryptDocument(later.blob, { ...place, contentKey: keys.contentKey }));
    expect(JSON.stringify(keys)).not.toContain(JSON.stringify(Array.from(dek)));
  });

  it('writes contract-shaped envelopes with zero placeholders and 98- or 134-byte wrapped keys', async () => {
    const { envelope, linkKey } = await mapLink(generateDek());
    expect(linkKey).toHaveLength(32);
    expect(fromBase64(envelope.ephClassicalPublic)).toEqual(new Uint8Array(32));
    expect(fromBase64(envelope.ephPqCiphertext)).toEqual(new Uint8Array(1088));
    expect(fromBase64(envelope.wrappedDek)).toHaveLength(98);
    const version = await createLinkShare({ kind: 'version', ...place, seq: 1, contentKey: generateDek(), titleKey: generateDek() });
    expect(fromBase64(version.envelope.wrappedDek)).toHaveLength(134);
  });

  it('gives every share its own link key', async () => {
    const dek = generateDek();
    const a = await mapLink(dek);
    const b = await mapLink(dek);
    expect(toHex(a.linkKey)).not.toBe(toHex(b.linkKey));
    await expectDecryptionError(openLinkShare(a.envelope, b.linkKey));
  });

  it('throws for any flipped byte of any envelope field', async () => {
    const { envelope, linkKey } = await mapLink(generateDek());
    const cases: [keyof Envelope, number[]][] = [
      ['ephClassicalPublic', range(0, 32)],
      ['ephPqCiphertext', [...range(0, 8), ...range(8, 1080, 13), ...range(1080, 1088)]],
      ['wrappedDek', range(0, 98)],
    ];
    for (const [field, indices] of cases) {
      const bytes = fromBase64(envelope[field]);
      for (const i of indices) await expectDecryptionError(openLinkShare({ ...envelope, [field]: toBase64(flipped(bytes, i)) }, linkKey));
    }
  });

  it('does not cross over with owner envelopes', async () => {
    const keys = generateKeyPairs();
    const dek = generateDek();
    const share = await mapLink(dek);
    await expectDecryptionError(unwrapOwnerDek(share.envelope, keys, { ...place, keyVersion: 1 }));
    const owner = await wrapOwnerDek(dek, 1, keys, { ...place, keyVersion: 1 });
    await expectDecryptionError(openLinkShare(owner, share.linkKey));
  });

  it('parses links with a path prefix and refuses broken ones', () => {
    const key = new Uint8Array(32).fill(1);
    const url = buildShareUrl('https://host.example/app/', 'abc', key);
    expect(url).toBe(`https://host.example/app/s/abc#${Buffer.from(key).toString('base64url')}`);
    expect(parseShareUrl(url)).toEqual({ token: 'abc', linkKey: key });
    for (const bad of [
      'not a url',
      'https://host.example/x/abc#' + Buffer.from(key).toString('base64url'),
      'https://host.example/s/abc',
      'https://host.example/s/abc#' + Buffer.from(new Uint8Array(31)).toString('base64url'),
      'https://host.example/s/abc#' + Buffer.from(key).toString('base64'),
    ]) {
      expect(() => parseShareUrl(bad), bad).toThrow(InvalidInputError);
    }
  });
});

describe('sizes the contract accepts', () => {
  it('every wrappedDek and private-key blob this client writes fits the server bounds', async () => {
    const { WRAPPED_DEK_MIN_BYTES, WRAPPED_DEK_MAX_BYTES, PRIVATE_KEY_BLOB_MAX_BYTES, buildKeyBundle } = await import('../src/index.js');
    const keys = generateKeyPairs();
    const wrapped = [
      (await wrapOwnerDek(generateDek(), 1, keys, { ...place, keyVersion: 1 })).wrappedDek,
      (await mapLink(generateDek())).envelope.wrappedDek,
      (await createLinkShare({ kind: 'version', ...place, seq: 1, contentKey: generateDek(), titleKey: generateDek() })).envelope.wrappedDek,
      v1.ENVELOPE.wrappedDek,
    ];
    for (const w of wrapped) {
      const n = fromBase64(w).length;
      expect(n).toBeGreaterThanOrEqual(WRAPPED_DEK_MIN_BYTES);
      expect(n).toBeLessThanOrEqual(WRAPPED_DEK_MAX_BYTES);
    }
    const bundle = await buildKeyBundle(keys, new Uint8Array(32), { keyVersion: 1 });
    for (const blob of [bundle.classicalPrivEncrypted, bundle.pqPrivEncrypted]) expect(fromBase64(blob).length).toBeLessThanOrEqual(PRIVATE_KEY_BLOB_MAX_BYTES);
  });
});
