import { describe, expect, it } from 'vitest';
import { createDocument, DocumentFormatError, MAX_DOCUMENT_DEPTH, parseDocument } from '../src/index.js';

const node = (id: string, children: unknown[] = []) => ({ id, text: id, children });

describe('mind-map document', () => {
  it('creates a version-1 document with a single root', () => {
    const doc = createDocument('Root');
    expect(doc).toMatchObject({ version: 1, root: { text: 'Root', children: [] } });
    expect(doc.root.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps known fields and drops unknown ones', () => {
    const parsed = parseDocument({ version: 1, extra: true, root: { ...node('r', [{ ...node('a'), colour: 'red', position: { x: 1, y: 2, z: 3 } }]) } });
    expect(parsed).toEqual({ version: 1, root: { id: 'r', text: 'r', children: [{ id: 'a', text: 'a', children: [], position: { x: 1, y: 2 } }] } });
  });

  it.each<[string, unknown]>([
    ['not an object', 'hello'],
    ['another version', { version: 2, root: node('r') }],
    ['a missing root', { version: 1 }],
    ['an empty id', { version: 1, root: node('') }],
    ['a non-string text', { version: 1, root: { id: 'r', text: 5, children: [] } }],
    ['children that are not an array', { version: 1, root: { id: 'r', text: '', children: {} } }],
    ['a non-finite position', { version: 1, root: { ...node('r'), position: { x: 1, y: null } } }],
    ['a duplicate id', { version: 1, root: node('r', [node('a'), node('b', [node('a')])]) }],
    ['a child that is not a node', { version: 1, root: node('r', [42]) }],
  ])('rejects %s', (_name, value) => {
    expect(() => parseDocument(value)).toThrow(DocumentFormatError);
  });

  it('accepts nesting up to the depth limit and refuses deeper, without overflowing the stack', () => {
    const chain = (depth: number) => {
      let current = node(`n${depth - 1}`);
      for (let i = depth - 2; i >= 0; i--) current = node(`n${i}`, [current]);
      return { version: 1, root: current };
    };
    expect(() => parseDocument(chain(MAX_DOCUMENT_DEPTH))).not.toThrow();
    expect(() => parseDocument(chain(MAX_DOCUMENT_DEPTH + 1))).toThrow(DocumentFormatError);
  });
});
