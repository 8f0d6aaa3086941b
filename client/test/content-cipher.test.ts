import { describe, expect, it } from 'vitest';
import {
  createDocument,
  DecryptionError,
  decryptDocument,
  decryptTitle,
  DocumentFormatError,
  encryptDocument,
  encryptTitle,
  fromBase64,
  generateDek,
  type MindMapDocument,
  readContentHeader,
  toBase64,
} from '../src/index.js';
import { sealWithHeader } from '../src/crypto/aes-gcm.js';
import { ctx, uuidBytes } from '../src/crypto/context.js';
import { deriveContentKey } from '../src/crypto/content-cipher.js';
import * as v1 from './fixtures/v1-vectors.js';
import { flipped, openIndependently, range } from './helpers.js';

const place = { userId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', mapId: 'c0ffee00-1234-4abc-8def-0123456789ab' };
const otherMap = { ...place, mapId: 'deadbeef-0000-4000-8000-000000000001' };
const otherUser = { ...place, userId: '9b2c1f4e-7d3a-4c5b-8e6f-1a2b3c4d5e6f' };
const dek = new Uint8Array(32).fill(v1.DEK_BYTE);
const legacyBlob = fromBase64(v1.DOCUMENT_BLOB_BASE64);

async function expectDecryptionError(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DecryptionError);
}

describe('document content (v2)', async () => {
  const { blob, contentKey } = await encryptDocument(v1.DOCUMENT, { ...place, dek, seq: 5 });

  it('round-trips a document, preserving text, order and positions, with its seq', async () => {
    const doc: MindMapDocument = createDocument('Plan');
    doc.root.children.push(
      { id: 'b', text: 'Ünïcødé 🧠', children: [{ id: 'c', text: '', children: [] }], position: { x: 0, y: 1e6 } },
      { id: 'd', text: 'second', children: [] },
    );
    const fresh = generateDek();
    const sealed = await encryptDocument(doc, { ...place, dek: fresh, seq: 1 });
    expect(await decryptDocument(sealed.blob, { ...place, dek: fresh })).toEqual({ document: doc, seq: 1, format: 'v2' });
  });

  it('lays out the blob as documented (checked with node:crypto)', () => {
    expect(Array.from(blob.subarray(0, 13))).toEqual([0x4d, 0x56, 0x42, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 5]);
    const header = readContentHeader(blob);
    const key = deriveContentKey(dek, place.mapId, 5, header.versionNonce);
    expect(key).toEqual(contentKey);
    const aad = ctx('mindvault/v2/content/document', uuidBytes(place.userId), uuidBytes(place.mapId));
    const plaintext = openIndependently(key, blob, 29, aad);
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual(v1.DOCUMENT);
  });

  it('gives every version its own key and nonce', async () => {
    const again = await encryptDocument(v1.DOCUMENT, { ...place, dek, seq: 5 });
    expect(toBase64(again.contentKey)).not.toBe(toBase64(contentKey));
    expect(toBase64(again.blob.subarray(29, 41))).not.toBe(toBase64(blob.subarray(29, 41)));
  });

  it('opens with the version key alone, which opens no other version', async () => {
    expect((await decryptDocument(blob, { ...place, contentKey })).document).toEqual(v1.DOCUMENT);
    const other = await encryptDocument(v1.DOCUMENT, { ...place, dek, seq: 6 });
    await expectDecryptionError(decryptDocument(other.blob, { ...place, contentKey }));
  });

  it('refuses the blob as another map or another user', async () => {
    await expectDecryptionError(decryptDocument(blob, { ...otherMap, dek }));
    await expectDecryptionError(decryptDocument(blob, { ...otherUser, dek }));
  });

  const regions = {
    'magic, version and algorithm': range(0, 5),
    seq: range(5, 13),
    versionNonce: range(13, 29),
    nonce: range(29, 41),
    body: range(41, blob.length - 16),
    tag: range(blob.length - 16, blob.length),
  };
  it.each(Object.entries(regions))('throws for any flipped byte in the %s', async (_region, indices) => {
    for (const i of indices) {
      for (const mask of [0x01, 0x80]) await expectDecryptionError(decryptDocument(flipped(blob, i, mask), { ...place, dek }));
    }
  });

  it('throws for truncated, extended and empty blobs', async () => {
    for (const bad of [blob.subarray(0, blob.length - 1), blob.subarray(0, 40), blob.subarray(0, 4), new Uint8Array(0), Uint8Array.of(...blob, 0)]) {
      await expectDecryptionError(decryptDocument(bad, { ...place, dek }));
    }
  });

  it('refuses to open a title as content', async () => {
    await expectDecryptionError(decryptDocument(fromBase64(await encryptTitle('t', 1, { ...place, dek })), { ...place, dek }));
  });

  it('reports an authentic but invalid document as DocumentFormatError, not garbage', async () => {
    const header = readContentHeader(blob);
    const prefix = blob.subarray(0, 29);
    const key = deriveContentKey(dek, place.mapId, 5, header.versionNonce);
    const aad = ctx('mindvault/v2/content/document', uuidBytes(place.userId), uuidBytes(place.mapId));
    for (const text of ['{"version":2}', '{']) {
      const sealed = await sealWithHeader(key, prefix, aad, new TextEncoder().encode(text));
      await expect(decryptDocument(sealed, { ...place, dek })).rejects.toBeInstanceOf(DocumentFormatError);
    }
  });

  it('refuses to encrypt an invalid document, or a seq below 1', async () => {
    const bad = { version: 1, root: { id: 'r', text: 'x' } } as unknown as MindMapDocument;
    await expect(encryptDocument(bad, { ...place, dek, seq: 1 })).rejects.toBeInstanceOf(DocumentFormatError);
    await expect(encryptDocument(v1.DOCUMENT, { ...place, dek, seq: 0 })).rejects.toThrow(/seq/);
  });
});

describe('document content (v1, read only)', () => {
  it('still opens the pinned v1 blob with the DEK, as seq 0', async () => {
    expect(await decryptDocument(legacyBlob, { ...place, dek })).toEqual({ document: v1.DOCUMENT, seq: 0, format: 'v1' });
  });

  it('lays out the v1 blob as documented (checked with node:crypto)', () => {
    expect(Array.from(legacyBlob.subarray(0, 5))).toEqual([0x4d, 0x56, 0x42, 0x01, 0x01]);
    const plaintext = openIndependently(dek, legacyBlob, 5, 'mindvault/v1/content/document');
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual(v1.DOCUMENT);
  });

  it('throws for any flipped byte, and under another DEK', async () => {
    for (const i of range(0, legacyBlob.length, 7)) await expectDecryptionError(decryptDocument(flipped(legacyBlob, i), { ...place, dek }));
    await expectDecryptionError(decryptDocument(legacyBlob, { ...place, dek: generateDek() }));
  });

  it('does not open with a version key (v1 has none)', async () => {
    await expect(decryptDocument(legacyBlob, { ...place, contentKey: dek })).rejects.toMatchObject({ reason: 'unsupported-format' });
  });
});

describe('titles', () => {
  it('round-trip with their revision, including the empty title and non-Latin text', async () => {
    for (const title of ['', 'Quarterly plan', 'Планы 計画 🗺️']) {
      expect(await decryptTitle(await encryptTitle(title, 3, { ...place, dek }), { ...place, dek })).toEqual({ title, revision: 3, format: 'v2' });
    }
  });

  it('refuse a title moved to another map or user', async () => {
    const title = await encryptTitle('mine', 1, { ...place, dek });
    await expectDecryptionError(decryptTitle(title, { ...otherMap, dek }));
    await expectDecryptionError(decryptTitle(title, { ...otherUser, dek }));
  });

  it('throw for any flipped byte', async () => {
    const bytes = fromBase64(await encryptTitle('flip me', 1, { ...place, dek }));
    for (const i of range(0, bytes.length)) await expectDecryptionError(decryptTitle(toBase64(flipped(bytes, i)), { ...place, dek }));
  });

  it('still open the pinned v1 title, as revision 0', async () => {
    expect(await decryptTitle(v1.ENCRYPTED_TITLE, { ...place, dek })).toEqual({ title: v1.TITLE, revision: 0, format: 'v1' });
  });

  it('refuse content served as a title, and bad base64 as malformed', async () => {
    const { blob } = await encryptDocument(v1.DOCUMENT, { ...place, dek, seq: 1 });
    await expectDecryptionError(decryptTitle(toBase64(blob), { ...place, dek }));
    await expectDecryptionError(decryptTitle(v1.DOCUMENT_BLOB_BASE64, { ...place, dek }));
    await expect(decryptTitle('%%%', { ...place, dek })).rejects.toMatchObject({ reason: 'malformed' });
  });
});
