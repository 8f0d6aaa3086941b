import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../src/crypto/errors.js';
import { mergeDocuments } from '../src/model/merge-documents.js';
import { type MindMapDocument, type MindMapNode, parseDocument } from '../src/model/mind-map-document.js';

// ---------------------------------------------------------------------------------------------
// A small editor for the tests: the operations a person does in the app, applied to a copy.

type Edit =
  | { kind: 'add'; at: number; text: string }
  | { kind: 'delete'; at: number }
  | { kind: 'text'; at: number; text: string }
  | { kind: 'position'; at: number; x: number; y: number }
  | { kind: 'move'; at: number; to: number }
  | { kind: 'reorder'; at: number }
  | { kind: 'note'; at: number; text: string }
  | { kind: 'crosslink'; at: number; to: number; text: string };

const clone = (doc: MindMapDocument): MindMapDocument => structuredClone(doc);

function allNodes(doc: MindMapDocument): { node: MindMapNode; parent?: MindMapNode }[] {
  const out: { node: MindMapNode; parent?: MindMapNode }[] = [];
  const walk = (node: MindMapNode, parent?: MindMapNode) => {
    out.push({ node, parent });
    for (const child of node.children) walk(child, node);
  };
  walk(doc.root);
  return out;
}

function isInside(node: MindMapNode, candidate: MindMapNode): boolean {
  return node === candidate || node.children.some((c) => isInside(c, candidate));
}

/** Applies the edits to a copy; new ids are `<tag>-<n>`, so the two sides never pick the same one. */
function edit(doc: MindMapDocument, edits: Edit[], tag: string): MindMapDocument {
  const out = clone(doc);
  let added = 0;
  for (const e of edits) {
    const nodes = allNodes(out);
    const { node, parent } = nodes[e.at % nodes.length]!;
    switch (e.kind) {
      case 'add':
        node.children.push({ id: `${tag}-${added++}`, text: e.text, children: [] });
        break;
      case 'delete':
        if (parent) parent.children.splice(parent.children.indexOf(node), 1);
        break;
      case 'text':
        node.text = e.text;
        break;
      case 'position':
        node.position = { x: e.x, y: e.y };
        break;
      case 'move': {
        const target = nodes[e.to % nodes.length]!.node;
        if (!parent || isInside(node, target)) break;
        parent.children.splice(parent.children.indexOf(node), 1);
        target.children.push(node);
        break;
      }
      case 'reorder':
        if (node.children.length > 1) node.children.push(node.children.shift()!);
        break;
      case 'note':
        node.note = e.text;
        break;
      case 'crosslink':
        out.links = [...(out.links ?? []), { id: `${tag}-link-${added++}`, from: node.id, to: nodes[e.to % nodes.length]!.node.id, label: e.text }];
        break;
    }
  }
  // As a device would hold it: read back through the SDK (links left dangling by a deletion drop).
  return parseDocument(JSON.parse(JSON.stringify(out)));
}

const text = fc.constantFrom('a', 'b', 'c', 'Lisbon', 'Porto', '');
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), text }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('text' as const), at: fc.nat(), text }),
  fc.record({ kind: fc.constant('position' as const), at: fc.nat(), x: fc.integer({ min: -5, max: 5 }), y: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ kind: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('reorder' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('note' as const), at: fc.nat(), text }),
  fc.record({ kind: fc.constant('crosslink' as const), at: fc.nat(), to: fc.nat(), text }),
);
const ROOT: MindMapDocument = { version: 1, root: { id: 'root', text: 'root', children: [] } };
/** A base built by a run of additions and edits, then two independent edit runs of it. */
const triple = fc
  .tuple(fc.array(editArb, { maxLength: 25 }), fc.array(editArb, { maxLength: 12 }), fc.array(editArb, { maxLength: 12 }))
  .map(([b, m, t]) => {
    const base = edit(ROOT, b.map((e) => (e.kind === 'delete' ? { ...e, kind: 'add' as const, text: 'x' } : e)), 'b');
    return { base, mine: edit(base, m, 'm'), theirs: edit(base, t, 't') };
  });

const ids = (doc: MindMapDocument) => new Set(allNodes(doc).map((n) => n.node.id));
const byId = (doc: MindMapDocument) =>
  new Map(allNodes(doc).map(({ node, parent }) => [node.id, { ...node, children: undefined, parent: parent?.id }]));

// ---------------------------------------------------------------------------------------------

describe('mergeDocuments: properties', () => {
  it('with an unchanged side returns the other side, without conflicts', () => {
    fc.assert(
      fc.property(triple, ({ base, mine, theirs }) => {
        expect(mergeDocuments(base, base, theirs)).toEqual({ document: theirs, conflicts: [] });
        expect(mergeDocuments(base, mine, base)).toEqual({ document: mine, conflicts: [] });
      }),
      { numRuns: 400 },
    );
  });

  it('merging the same edit made on both sides gives that edit', () => {
    fc.assert(
      fc.property(triple, ({ base, mine }) => {
        expect(mergeDocuments(base, mine, clone(mine))).toEqual({ document: mine, conflicts: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic, and yields a valid document (a tree with unique ids)', () => {
    fc.assert(
      fc.property(triple, ({ base, mine, theirs }) => {
        const first = mergeDocuments(base, mine, theirs);
        expect(mergeDocuments(clone(base), clone(mine), clone(theirs))).toEqual(first);
        expect(parseDocument(JSON.parse(JSON.stringify(first.document)))).toEqual(first.document);
      }),
      { numRuns: 400 },
    );
  });

  it('loses no node unless one side deleted it and the other did not touch it', () => {
    fc.assert(
      fc.property(triple, ({ base, mine, theirs }) => {
        const merged = ids(mergeDocuments(base, mine, theirs).document);
        const [b, m, t] = [byId(base), byId(mine), byId(theirs)];
        for (const id of new Set([...m.keys(), ...t.keys()])) {
          if (merged.has(id)) continue;
          // Gone: it must be a base node that one side deleted and the other left as it was.
          const kept = m.get(id) ?? t.get(id);
          expect(b.has(id)).toBe(true);
          expect(m.has(id) && t.has(id)).toBe(false);
          expect(kept).toEqual(b.get(id));
        }
        for (const id of merged) expect(m.has(id) || t.has(id) || b.has(id)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the same nodes whichever side is called mine', () => {
    fc.assert(
      fc.property(triple, ({ base, mine, theirs }) => {
        expect(ids(mergeDocuments(base, mine, theirs).document)).toEqual(ids(mergeDocuments(base, theirs, mine).document));
      }),
      { numRuns: 300 },
    );
  });
});

describe('mergeDocuments: cases', () => {
  const base: MindMapDocument = {
    version: 1,
    root: {
      id: 'root',
      text: 'Trip',
      children: [
        { id: 'a', text: 'Lisbon', children: [{ id: 'a1', text: 'Alfama', children: [] }] },
        { id: 'b', text: 'Porto', children: [] },
        { id: 'c', text: 'Faro', children: [] },
      ],
    },
  };

  it('combines edits of different nodes: both texts, both additions', () => {
    const mine = clone(base);
    mine.root.children[0]!.text = 'Lisboa';
    mine.root.children[1]!.children.push({ id: 'm1', text: 'Ribeira', children: [] });
    const theirs = clone(base);
    theirs.root.children[2]!.text = 'Algarve';
    theirs.root.children.push({ id: 't1', text: 'Madeira', children: [] });
    const { document, conflicts } = mergeDocuments(base, mine, theirs);
    expect(conflicts).toEqual([]);
    expect(document.root.children.map((c) => c.text)).toEqual(['Lisboa', 'Porto', 'Algarve', 'Madeira']);
    expect(document.root.children[1]!.children.map((c) => c.text)).toEqual(['Ribeira']);
  });

  it('reports the same field of the same node changed differently on both sides, with both values, and keeps mine', () => {
    const mine = clone(base);
    mine.root.children[1]!.text = 'Oporto';
    const theirs = clone(base);
    theirs.root.children[1]!.text = 'Porto city';
    theirs.root.children[0]!.text = 'Lisboa';
    const { document, conflicts } = mergeDocuments(base, mine, theirs);
    expect(conflicts).toEqual([{ nodeId: 'b', field: 'text', base: 'Porto', mine: 'Oporto', theirs: 'Porto city' }]);
    expect(document.root.children.map((c) => c.text)).toEqual(['Lisboa', 'Oporto', 'Faro']);
  });

  it('applies a deletion of an untouched node, and keeps (and reports) a node deleted on one side but edited on the other', () => {
    const mine = clone(base);
    mine.root.children.splice(2, 1); // Faro deleted
    mine.root.children[0]!.children = []; // Alfama deleted
    const theirs = clone(base);
    theirs.root.children[0]!.children[0]!.text = 'Alfama!';
    const { document, conflicts } = mergeDocuments(base, mine, theirs);
    expect(document.root.children.map((c) => c.id)).toEqual(['a', 'b']);
    expect(document.root.children[0]!.children).toEqual([{ id: 'a1', text: 'Alfama!', children: [] }]);
    expect(conflicts).toEqual([{ nodeId: 'a1', field: 'deleted', base: false, mine: true, theirs: false }]);
  });

  it('brings back a deleted node when the other side added a child under it', () => {
    const mine = clone(base);
    mine.root.children.splice(1, 1); // Porto deleted
    const theirs = clone(base);
    theirs.root.children[1]!.children.push({ id: 't1', text: 'Ribeira', children: [] });
    const { document, conflicts } = mergeDocuments(base, mine, theirs);
    // Back in its place: mine only removed it, so theirs' order holds.
    expect(document.root.children.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(document.root.children[1]!.children.map((c) => c.id)).toEqual(['t1']);
    expect(conflicts).toEqual([{ nodeId: 'b', field: 'deleted', base: false, mine: true, theirs: false }]);
  });

  it('applies a move on one side and keeps mine when two moves would make a loop', () => {
    const mine = clone(base);
    const porto = mine.root.children.splice(1, 1)[0]!;
    mine.root.children[0]!.children.push(porto); // b under a
    const theirs = clone(base);
    const lisbon = theirs.root.children.splice(0, 1)[0]!;
    theirs.root.children[0]!.children.push(lisbon); // a under b
    const { document, conflicts } = mergeDocuments(base, mine, theirs);
    expect(conflicts).toEqual([]);
    expect(document.root.children.map((c) => c.id)).toEqual(['a', 'c']);
    expect(document.root.children[0]!.children.map((c) => c.id)).toEqual(['a1', 'b']);
  });

  it('takes the order of the side that reordered siblings', () => {
    const theirs = clone(base);
    theirs.root.children.reverse();
    const mine = clone(base);
    mine.root.children[0]!.text = 'Lisboa';
    expect(mergeDocuments(base, mine, theirs).document.root.children.map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });

  it('merges the 1.1 fields like any other: a note on one side and the text on the other both stay; a link to a node the other side deleted goes', () => {
    const mine = clone(base);
    mine.root.children[0]!.note = 'by tram';
    mine.root.children.splice(2, 1); // Faro deleted
    const theirs = clone(base);
    theirs.root.children[0]!.text = 'Lisboa';
    theirs.root.children[1]!.style = { bold: true };
    theirs.links = [{ id: 'l1', from: 'a', to: 'c', label: 'drive' }, { id: 'l2', from: 'a', to: 'b', label: 'train' }];
    const { document, conflicts } = mergeDocuments(base, mine, theirs);
    expect(conflicts).toEqual([]);
    expect(document.root.children.map((c) => c.id)).toEqual(['a', 'b']);
    expect(document.root.children[0]).toMatchObject({ text: 'Lisboa', note: 'by tram' });
    expect(document.root.children[1]).toMatchObject({ style: { bold: true } });
    expect(document.links).toEqual([{ id: 'l2', from: 'a', to: 'b', label: 'train' }]);
  });

  it('refuses documents of different maps (different roots)', () => {
    const other = { version: 1 as const, root: { id: 'other', text: 'x', children: [] } };
    expect(() => mergeDocuments(base, other, base)).toThrow(InvalidInputError);
  });
});
