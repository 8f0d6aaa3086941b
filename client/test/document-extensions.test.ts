/**
 * The extension rule (docs/crypto.md §6.1): a document written by another client, carrying fields
 * this SDK does not know at the document, node and nested levels, comes back unchanged from every
 * save of ours. The other writer here is node:crypto following §6 by hand, not this SDK.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ctx, decryptDocument, encryptDocument, mergeDocuments, type MindMapDocument, uuidBytes } from '../src/index.js';

const userId = randomUUID();
const mapId = randomUUID();
const dek = new Uint8Array(randomBytes(32));

function u64(n: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(n));
  return out;
}

function contentKey(versionNonce: Uint8Array, seq: number): Buffer {
  return Buffer.from(hkdfSync('sha256', dek, versionNonce, ctx('mindvault/v2/content-key', uuidBytes(mapId), u64(seq)), 32));
}

const aadTail = () => ctx('mindvault/v2/content/document', uuidBytes(userId), uuidBytes(mapId));

/** Another client's save: its JSON text exactly as it wrote it, sealed per §6. */
function foreignSave(json: string, seq: number): Uint8Array {
  const versionNonce = randomBytes(16);
  const nonce = randomBytes(12);
  const header = Buffer.concat([Buffer.from('MVB'), Buffer.of(2, 1), u64(seq), versionNonce, nonce]);
  const cipher = createCipheriv('aes-256-gcm', contentKey(versionNonce, seq), nonce);
  cipher.setAAD(Buffer.concat([header, aadTail()]));
  return new Uint8Array(Buffer.concat([header, cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]));
}

/** What that other client reads back from one of our saves. */
function foreignRead(blob: Uint8Array): unknown {
  const bytes = Buffer.from(blob);
  const seq = Number(bytes.readBigUInt64BE(5));
  const decipher = createDecipheriv('aes-256-gcm', contentKey(bytes.subarray(13, 29), seq), bytes.subarray(29, 41));
  decipher.setAAD(Buffer.concat([bytes.subarray(0, 41), aadTail()]));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(41, bytes.length - 16)), decipher.final()]).toString('utf8'));
}

const written = {
  version: 1,
  theme: { name: 'dusk', fonts: ['Inter', { fallback: null }] },
  root: {
    id: 'r',
    text: 'Plans',
    children: [
      {
        id: 'a',
        text: 'Travel',
        children: [],
        priority: 2,
        checklist: [{ text: 'passport', done: true }],
        position: { x: 10, y: 20, anchor: 'left' },
        style: { bold: true, font: { family: 'serif', size: 14 } },
      },
      { id: 'b', text: 'Budget', children: [], estimate: { currency: 'EUR', amount: 1200.5 } },
    ],
    layout: 'radial',
  },
  links: [{ id: 'l', from: 'a', to: 'b', label: 'costs', curve: { bend: 0.3 } }],
  summaries: [{ id: 's', parent: 'r', start: 0, end: 1, label: 'all', colour: '#336699' }],
};

/** `written` with node a's text changed, as our client would save it. */
function withText(doc: unknown, text: string): Record<string, unknown> {
  const copy = structuredClone(doc) as typeof written;
  copy.root.children[0]!.text = text;
  return copy;
}

describe('the extension rule: fields another writer added survive our saves', () => {
  it('open → edit → save keeps every unknown field unchanged, at every level', async () => {
    const { document } = await decryptDocument(foreignSave(JSON.stringify(written), 1), { userId, mapId, dek });
    document.root.children[0]!.text = 'Travel (booked)';
    const { blob } = await encryptDocument(document, { userId, mapId, dek, seq: 2 });
    expect(foreignRead(blob)).toEqual(withText(written, 'Travel (booked)'));
  });

  it('a merge of two of our edits over that document keeps them too', async () => {
    const open = async (doc: unknown, seq: number): Promise<MindMapDocument> => (await decryptDocument(foreignSave(JSON.stringify(doc), seq), { userId, mapId, dek })).document;
    const base = await open(written, 1);
    const mine = await open(withText(written, 'Travel (booked)'), 2);
    const theirs = structuredClone(base);
    theirs.root.children[1]!.text = 'Budget (approved)';
    const merged = mergeDocuments(base, mine, theirs);
    expect(merged.conflicts).toEqual([]);
    const { blob } = await encryptDocument(merged.document, { userId, mapId, dek, seq: 3 });
    const expected = withText(written, 'Travel (booked)') as typeof written;
    expected.root.children[1]!.text = 'Budget (approved)';
    expect(foreignRead(blob)).toEqual(expected);
  });
});
