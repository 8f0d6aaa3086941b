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
  publicKeysOf,
  toBase64,
  unwrapDek,
  wrapDek,
} from '../src/index.js';
import * as v1 from './fixtures/v1-vectors.js';
import { flipped, fromHex, range, toHex } from './helpers.js';

async function expectDecryptionError(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DecryptionError);
}

describe('link shares', () => {
  it('derives the pinned share KEK from a fixed link key', () => {
    expect(toHex(deriveShareKek(new Uint8Array(32).fill(7)))).toBe(v1.SHARE_KEK_HEX);
  });

  it('opens an envelope built independently from the documented layout', async () => {
    const nonce = new Uint8Array(12).fill(9);
    const cipher = createCipheriv('aes-256-gcm', fromHex(v1.SHARE_KEK_HEX), nonce);
    cipher.setAAD(Buffer.from('mindvault/v1/envelope/share-link'));
    const body = Buffer.concat([cipher.update(new Uint8Array(32).fill(v1.DEK_BYTE)), cipher.final(), cipher.getAuthTag()]);
    const envelope: Envelope = {
      ephClassicalPublic: toBase64(new Uint8Array(32)),
      ephPqCiphertext: toBase64(new Uint8Array(1088)),
      wrappedDek: toBase64(Buffer.concat([nonce, body])),
    };
    expect(await openLinkShare(envelope, new Uint8Array(32).fill(7))).toEqual(new Uint8Array(32).fill(v1.DEK_BYTE));
  });

  it('lets a public reader decrypt title and content from the link alone', async () => {
    // Owner side.
    const dek = generateDek();
    const encryptedTitle = await encryptTitle('Shared plan', dek);
    const blob = await encryptDocument(v1.DOCUMENT, dek);
    const share = await createLinkShare(dek);
    const url = buildShareUrl('https://mindvault.example', 'tok_abc-123', share.linkKey);
    expect(url).toMatch(/^https:\/\/mindvault\.example\/s\/tok_abc-123#[A-Za-z0-9_-]{43}$/);

    // Reader side: only the URL, and what GET /api/public/shares/:token returns.
    const { token, linkKey } = parseShareUrl(url);
    expect(token).toBe('tok_abc-123');
    const publicShare = { encryptedTitle, envelope: share.envelope };
    const readerDek = await openLinkShare(publicShare.envelope, linkKey);
    expect(await decryptTitle(publicShare.encryptedTitle, readerDek)).toBe('Shared plan');
    expect(await decryptDocument(blob, readerDek)).toEqual(v1.DOCUMENT);
  });

  it('writes a contract-shaped envelope with zero placeholders and a 60-byte wrapped DEK', async () => {
    const { envelope, linkKey } = await createLinkShare(generateDek());
    expect(linkKey).toHaveLength(32);
    expect(fromBase64(envelope.ephClassicalPublic)).toEqual(new Uint8Array(32));
    expect(fromBase64(envelope.ephPqCiphertext)).toEqual(new Uint8Array(1088));
    expect(fromBase64(envelope.wrappedDek)).toHaveLength(60);
  });

  it('gives every share its own link key', async () => {
    const dek = generateDek();
    const a = await createLinkShare(dek);
    const b = await createLinkShare(dek);
    expect(toHex(a.linkKey)).not.toBe(toHex(b.linkKey));
    await expectDecryptionError(openLinkShare(a.envelope, b.linkKey));
  });

  it('throws for any flipped byte of any envelope field', async () => {
    const { envelope, linkKey } = await createLinkShare(generateDek());
    const cases: [keyof Envelope, number[]][] = [
      ['ephClassicalPublic', range(0, 32)],
      ['ephPqCiphertext', [...range(0, 8), ...range(8, 1080, 13), ...range(1080, 1088)]],
      ['wrappedDek', range(0, 60)],
    ];
    for (const [field, indices] of cases) {
      const bytes = fromBase64(envelope[field]);
      for (const i of indices) await expectDecryptionError(openLinkShare({ ...envelope, [field]: toBase64(flipped(bytes, i)) }, linkKey));
    }
  });

  it('does not cross over with owner envelopes', async () => {
    const keys = generateKeyPairs();
    const dek = generateDek();
    const share = await createLinkShare(dek);
    await expectDecryptionError(unwrapDek(share.envelope, keys));
    const owner = await wrapDek(dek, publicKeysOf(keys));
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
