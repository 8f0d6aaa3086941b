/**
 * Device drafts (crypto.md §6b) and the per-node settling of merge conflicts the web app offers.
 */
import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveDraftKey, openDraftBytes, sealDraftBytes } from '../src/crypto/draft-cipher.js';
import { ctx, uuidBytes } from '../src/crypto/context.js';
import { DecryptionError } from '../src/crypto/errors.js';
import { mergeDocuments } from '../src/model/merge-documents.js';
import type { MindMapDocument } from '../src/model/mind-map-document.js';
import { resolveConflicts } from '../src/model/resolve-conflicts.js';

const userId = '0b8f5f0e-1d2c-4e3f-9a1b-2c3d4e5f6a7b';
const mapId = '6f1c2b1e-9a51-4c1f-8f0e-2f4a3c5d6e7f';
const otherMap = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const kek = new Uint8Array(32).map((_, i) => i * 7);

describe('device drafts', () => {
  it('derives the key as documented (checked with node:crypto)', () => {
    const independent = hkdfSync('sha256', kek, new Uint8Array(0), ctx('mindvault/v2/draft-key', uuidBytes(userId)), 32);
    expect(Buffer.from(deriveDraftKey(kek, userId))).toEqual(Buffer.from(independent));
  });

  it('round-trips a draft, holding no plaintext, and refuses it for another map, account or key', async () => {
    const draftKey = deriveDraftKey(kek, userId);
    const draft = { baseVersionId: null, mine: { version: 1, root: { id: 'r', text: 'Secret plans', children: [] } } };
    const sealed = await sealDraftBytes(draft, { userId, mapId, draftKey });
    expect(Buffer.from(sealed).includes('Secret')).toBe(false);
    expect(await openDraftBytes(sealed, { userId, mapId, draftKey })).toEqual(draft);
    await expect(openDraftBytes(sealed, { userId, mapId: otherMap, draftKey })).rejects.toBeInstanceOf(DecryptionError);
    await expect(openDraftBytes(sealed, { userId: otherMap, mapId, draftKey: deriveDraftKey(kek, otherMap) })).rejects.toBeInstanceOf(DecryptionError);
    await expect(openDraftBytes(sealed, { userId, mapId, draftKey: deriveDraftKey(new Uint8Array(32), userId) })).rejects.toBeInstanceOf(DecryptionError);
  });
});

const doc = (texts: Record<string, string>, extra: Partial<MindMapDocument> = {}): MindMapDocument => ({
  version: 1,
  root: { id: 'r', text: texts['r'] ?? 'Root', children: Object.keys(texts).filter((id) => id !== 'r').map((id) => ({ id, text: texts[id]!, children: [] })) },
  ...extra,
});

describe('resolveConflicts', () => {
  const base = doc({ a: 'A', b: 'B' });
  const mine = doc({ a: 'A mine', b: 'B mine' });
  const theirs = doc({ a: 'A theirs', b: 'B theirs' });
  const merged = mergeDocuments(base, mine, theirs);

  it('keeps mine where chosen and takes theirs where chosen, node by node', () => {
    expect(merged.conflicts.map((c) => [c.nodeId, c.field])).toEqual([['a', 'text'], ['b', 'text']]);
    const settled = resolveConflicts(merged.document, merged.conflicts, (c) => (c.nodeId === 'a' ? 'theirs' : 'mine'));
    expect(settled.root.children.map((c) => c.text)).toEqual(['A theirs', 'B mine']);
  });

  it('removes a node theirs deleted when theirs is chosen, keeps it otherwise', () => {
    const deleted = mergeDocuments(base, mine, doc({ b: 'B' }));
    expect(deleted.conflicts).toEqual([{ nodeId: 'a', field: 'deleted', base: false, mine: false, theirs: true }]);
    expect(resolveConflicts(deleted.document, deleted.conflicts, () => 'theirs').root.children.map((c) => c.id)).toEqual(['b']);
    expect(resolveConflicts(deleted.document, deleted.conflicts, () => 'mine').root.children.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('takes theirs for a field theirs removed, and for a cross-link both changed', () => {
    const withNote = { ...base, root: { ...base.root, children: [{ id: 'a', text: 'A', note: 'n', children: [] }] } };
    const mineNote = { ...base, root: { ...base.root, children: [{ id: 'a', text: 'A', note: 'mine', children: [] }] } };
    const theirsNone = { ...base, root: { ...base.root, children: [{ id: 'a', text: 'A', children: [] }] } };
    const m = mergeDocuments(withNote, mineNote, theirsNone);
    expect(resolveConflicts(m.document, m.conflicts, () => 'theirs').root.children[0]).toEqual({ id: 'a', text: 'A', children: [] });
    const link = (label: string) => doc({ a: 'A', b: 'B' }, { links: [{ id: 'l', from: 'a', to: 'b', label }] });
    const l = mergeDocuments(link('x'), link('mine'), link('theirs'));
    expect(l.conflicts.map((c) => c.field)).toEqual(['links']);
    expect(resolveConflicts(l.document, l.conflicts, () => 'theirs').links?.[0]?.label).toBe('theirs');
  });
});
