import { describe, expect, it } from 'vitest';
import type { MindMapDocument, MindMapNode } from '../../session/document';
import { diffDocuments, isUnchanged, summarizeDiff } from './version-diff';

const n = (id: string, text: string, children: MindMapNode[] = [], extra: Partial<MindMapNode> = {}): MindMapNode => ({ id, text, children, ...extra });
const doc = (root: MindMapNode): MindMapDocument => ({ version: 1, root });

const base = doc(n('r', 'Garden', [n('a', 'Tomatoes', [n('a1', 'Cherry'), n('a2', 'Plum')]), n('b', 'Basil'), n('c', 'Mint')]));

describe('what changed between two versions', () => {
  it('finds nothing between a tree and itself (or a deep copy)', () => {
    const diff = diffDocuments(base, structuredClone(base));
    expect(isUnchanged(diff)).toBe(true);
    expect(summarizeDiff(diff)).toBe('No changes');
  });

  it('lists added and removed nodes, a removed branch node by node', () => {
    const after = doc(n('r', 'Garden', [n('b', 'Basil', [n('b1', 'Thai basil')]), n('c', 'Mint'), n('d', 'Sage')]));
    const diff = diffDocuments(base, after);
    expect(diff.added).toEqual([{ id: 'b1', text: 'Thai basil' }, { id: 'd', text: 'Sage' }]);
    expect(diff.removed).toEqual([{ id: 'a', text: 'Tomatoes' }, { id: 'a1', text: 'Cherry' }, { id: 'a2', text: 'Plum' }]);
    expect(diff.moved).toEqual([]);
    expect(diff.renamed).toEqual([]);
    expect(summarizeDiff(diff)).toBe('5 changes: 2 added, 3 removed');
  });

  it('names a renamed node with its old and new text (the root too: the title)', () => {
    const after = doc(n('r', 'Vegetable garden', [n('a', 'Tomatoes', [n('a1', 'Cherry tomatoes'), n('a2', 'Plum')]), n('b', 'Basil'), n('c', 'Mint')]));
    expect(diffDocuments(base, after).renamed).toEqual([
      { id: 'r', from: 'Garden', to: 'Vegetable garden' },
      { id: 'a1', from: 'Cherry', to: 'Cherry tomatoes' },
    ]);
  });

  it('finds a node moved under another parent, with both parents named, and not its children', () => {
    const after = doc(n('r', 'Garden', [n('a', 'Tomatoes', [n('a2', 'Plum')]), n('b', 'Basil', [n('a1', 'Cherry')]), n('c', 'Mint')]));
    const diff = diffDocuments(base, after);
    expect(diff.moved).toEqual([{ id: 'a1', text: 'Cherry', fromParent: 'Tomatoes', toParent: 'Basil' }]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);

    const branch = doc(n('r', 'Garden', [n('b', 'Basil', [n('a', 'Tomatoes', [n('a1', 'Cherry'), n('a2', 'Plum')])]), n('c', 'Mint')]));
    expect(diffDocuments(base, branch).moved.map((m) => m.id)).toEqual(['a']);
  });

  it('counts a reorder among siblings as the fewest moves that explain it', () => {
    // Mint went first: one move, not three.
    const after = doc(n('r', 'Garden', [n('c', 'Mint'), n('a', 'Tomatoes', [n('a1', 'Cherry'), n('a2', 'Plum')]), n('b', 'Basil')]));
    const diff = diffDocuments(base, after);
    expect(diff.moved).toEqual([{ id: 'c', text: 'Mint', fromParent: 'Garden', toParent: 'Garden' }]);
    // A sibling inserted or removed before others does not make them "moved".
    const inserted = doc(n('r', 'Garden', [n('z', 'Chives'), n('a', 'Tomatoes', [n('a1', 'Cherry'), n('a2', 'Plum')]), n('c', 'Mint')]));
    const shifted = diffDocuments(base, inserted);
    expect(shifted.moved).toEqual([]);
    expect(shifted.added.map((a) => a.id)).toEqual(['z']);
    expect(shifted.removed.map((a) => a.id)).toEqual(['b']);
  });

  it('tells a node whose note, link, style, tags, icons or fold changed', () => {
    const after = doc(n('r', 'Garden', [n('a', 'Tomatoes', [n('a1', 'Cherry'), n('a2', 'Plum')], { folded: true }), n('b', 'Basil', [], { note: 'water daily' }), n('c', 'Mint')]));
    const diff = diffDocuments(base, after);
    expect(diff.detailsChanged.map((d) => d.id)).toEqual(['a', 'b']);
    expect(summarizeDiff(diff)).toBe('2 changes: 2 with other details');
    // Absent and undefined fields are the same.
    expect(isUnchanged(diffDocuments(doc(n('r', 'R', [], { note: undefined })), doc(n('r', 'R'))))).toBe(true);
  });

  it('sums every kind in one line', () => {
    const after = doc(n('r', 'Garden', [n('c', 'Fresh mint'), n('a', 'Tomatoes', [n('a1', 'Cherry')]), n('b', 'Basil', [n('a2', 'Plum')]), n('e', 'Rosemary')]));
    expect(summarizeDiff(diffDocuments(base, after))).toBe('4 changes: 1 added, 2 moved, 1 renamed');
  });

  it('handles deep trees without recursion', () => {
    // As deep as a document may be (MAX_DOCUMENT_DEPTH), built twice rather than cloned.
    const build = () => {
      let deep = n('leaf', 'Leaf');
      for (let i = 0; i < 998; i++) deep = n(`d${i}`, `Level ${i}`, [deep]);
      return doc(n('r', 'Root', [deep]));
    };
    const before = build();
    const after = build();
    after.root.children.push(n('new', 'New'));
    expect(diffDocuments(before, after).added).toEqual([{ id: 'new', text: 'New' }]);
  });
});
