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
  toBase64,
} from '../src/index.js';
import { encryptBytes } from '../src/crypto/content-cipher.js';
import * as v1 from './fixtures/v1-vectors.js';
import { flipped, openIndependently, range } from './helpers.js';

const dek = new Uint8Array(32).fill(v1.DEK_BYTE);
const blob = fromBase64(v1.DOCUMENT_BLOB_BASE64);

async function expectDecryptionError(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DecryptionError);
}

describe('document content', () => {
  it('round-trips a document, preserving text, order and positions', async () => {
    const doc: MindMapDocument = createDocument('Plan');
    doc.root.children.push(
      { id: 'b', text: 'Ünïcødé 🧠', children: [{ id: 'c', text: '', children: [] }], position: { x: 0, y: 1e6 } },
      { id: 'd', text: 'second', children: [] },
    );
    const fresh = generateDek();
    expect(await decryptDocument(await encryptDocument(doc, fresh), fresh)).toEqual(doc);
  });

  it('still opens the pinned v1 blob', async () => {
    expect(await decryptDocument(blob, dek)).toEqual(v1.DOCUMENT);
  });

  it('lays out the blob as documented (checked with node:crypto)', () => {
    expect(Array.from(blob.subarray(0, 5))).toEqual([0x4d, 0x56, 0x42, 0x01, 0x01]);
    const plaintext = openIndependently(dek, blob, 5, 'mindvault/v1/content/document');
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual(v1.DOCUMENT);
  });

  it('uses a fresh nonce every time', async () => {
    const a = await encryptDocument(v1.DOCUMENT, dek);
    const b = await encryptDocument(v1.DOCUMENT, dek);
    expect(toBase64(a.subarray(5, 17))).not.toBe(toBase64(b.subarray(5, 17)));
  });

  const regions = {
    'magic, version and algorithm': range(0, 5),
    nonce: range(5, 17),
    body: range(17, blob.length - 16),
    tag: range(blob.length - 16, blob.length),
  };
  it.each(Object.entries(regions))('throws for any flipped byte in the %s', async (_region, indices) => {
    for (const i of indices) {
      for (const mask of [0x01, 0x80]) await expectDecryptionError(decryptDocument(flipped(blob, i, mask), dek));
    }
  });

  it('names the failure: bad magic is malformed, an unknown version is unsupported', async () => {
    await expect(decryptDocument(flipped(blob, 0), dek)).rejects.toMatchObject({ reason: 'malformed' });
    await expect(decryptDocument(flipped(blob, 3), dek)).rejects.toMatchObject({ reason: 'unsupported-format' });
    await expect(decryptDocument(flipped(blob, 4), dek)).rejects.toMatchObject({ reason: 'unsupported-format' });
    await expect(decryptDocument(flipped(blob, 40), dek)).rejects.toMatchObject({ reason: 'authentication-failed' });
  });

  it('throws for truncated, extended and empty blobs', async () => {
    for (const bad of [blob.subarray(0, blob.length - 1), blob.subarray(0, 33), blob.subarray(0, 4), new Uint8Array(0), Uint8Array.of(...blob, 0)]) {
      await expectDecryptionError(decryptDocument(bad, dek));
    }
  });

  it('throws under another map’s DEK', async () => {
    await expectDecryptionError(decryptDocument(blob, generateDek()));
  });

  it('refuses to open a title as content', async () => {
    await expectDecryptionError(decryptDocument(fromBase64(v1.ENCRYPTED_TITLE), dek));
  });

  it('reports an authentic but invalid document as DocumentFormatError, not garbage', async () => {
    const notADoc = await encryptBytes(new TextEncoder().encode('{"version":2}'), dek, 'mindvault/v1/content/document');
    await expect(decryptDocument(notADoc, dek)).rejects.toBeInstanceOf(DocumentFormatError);
    const notJson = await encryptBytes(new TextEncoder().encode('{'), dek, 'mindvault/v1/content/document');
    await expect(decryptDocument(notJson, dek)).rejects.toBeInstanceOf(DocumentFormatError);
  });

  it('refuses to encrypt an invalid document', async () => {
    const bad = { version: 1, root: { id: 'r', text: 'x' } } as unknown as MindMapDocument;
    await expect(encryptDocument(bad, dek)).rejects.toBeInstanceOf(DocumentFormatError);
  });
});

describe('titles', () => {
  it('round-trip, including the empty title and non-Latin text', async () => {
    for (const title of ['', 'Quarterly plan', 'Планы 計画 🗺️']) {
      expect(await decryptTitle(await encryptTitle(title, dek), dek)).toBe(title);
    }
  });

  it('still open the pinned v1 title', async () => {
    expect(await decryptTitle(v1.ENCRYPTED_TITLE, dek)).toBe(v1.TITLE);
  });

  it('throw for any flipped byte', async () => {
    const bytes = fromBase64(v1.ENCRYPTED_TITLE);
    for (const i of range(0, bytes.length)) await expectDecryptionError(decryptTitle(toBase64(flipped(bytes, i)), dek));
  });

  it('refuse content served as a title', async () => {
    await expectDecryptionError(decryptTitle(v1.DOCUMENT_BLOB_BASE64, dek));
  });

  it('refuse bad base64 as malformed', async () => {
    await expect(decryptTitle('%%%', dek)).rejects.toMatchObject({ reason: 'malformed' });
  });
});
