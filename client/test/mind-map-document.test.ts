import { describe, expect, it } from 'vitest';
import { createDocument, DocumentFormatError, MAX_DOCUMENT_DEPTH, parseDocument } from '../src/index.js';

const node = (id: string, children: unknown[] = []) => ({ id, text: id, children });

describe('mind-map document', () => {
  it('creates a version-1 document with a single root', () => {
    const doc = createDocument('Root');
    expect(doc).toMatchObject({ version: 1, root: { text: 'Root', children: [] } });
    expect(doc.root.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps every field it does not know unchanged, at the document, node and nested levels (the extension rule)', () => {
    const value = {
      version: 1,
      extra: true,
      theme: { name: 'dusk', palette: ['#000000', { accent: null }] },
      root: { ...node('r', [{ ...node('a'), colour: 'red', position: { x: 1, y: 2, z: 3 }, style: { bold: true, underline: 'wavy' } }]) },
      links: [{ id: 'l', from: 'r', to: 'a', label: '', curve: [0.5, 0.25] }],
      summaries: [{ id: 's', parent: 'r', start: 0, end: 0, label: '', collapsed: false }],
    };
    const parsed = parseDocument(structuredClone(value));
    expect(parsed).toEqual(value);
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(value);
  });

  it('keeps an unknown field named __proto__ as a plain field, without touching the prototype', () => {
    const parsed = parseDocument(JSON.parse('{"version":1,"root":{"id":"r","text":"r","children":[],"__proto__":{"polluted":true}}}'));
    expect(Object.getPrototypeOf(parsed.root)).toBe(Object.prototype);
    expect((parsed.root as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(JSON.stringify(parsed.root)).toBe('{"id":"r","text":"r","children":[],"__proto__":{"polluted":true}}');
  });

  it('refuses an unknown field that is not a JSON value, or nests too deep, without overflowing the stack', () => {
    expect(() => parseDocument({ version: 1, root: { ...node('r'), later: () => 1 } })).toThrow(DocumentFormatError);
    expect(() => parseDocument({ version: 1, root: node('r'), later: Number.NaN })).toThrow(DocumentFormatError);
    const deep = (depth: number) => {
      let value: unknown = [];
      for (let i = 1; i < depth; i++) value = [value];
      return value;
    };
    expect(() => parseDocument({ version: 1, root: node('r'), later: deep(MAX_DOCUMENT_DEPTH) })).not.toThrow();
    expect(() => parseDocument({ version: 1, root: node('r'), later: deep(1_000_000) })).toThrow(/nested deeper than/);
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

describe('document 1.1: details, cross-links and summaries', () => {
  const rich = {
    version: 1,
    root: {
      ...node('r', [
        { ...node('a'), note: 'line one\nline two', link: 'https://example.com/a', style: { color: '#AA0000', background: '#ffffff', bold: true, italic: false }, tags: ['todo'], icons: ['⭐'], folded: true },
        node('b'),
        node('c'),
      ]),
    },
    links: [{ id: 'l1', from: 'a', to: 'c', label: 'see', bidirectional: true }],
    summaries: [{ id: 's1', parent: 'r', start: 0, end: 1, label: 'first two' }],
  };

  it('keeps every detail field, cross-link and summary', () => {
    const parsed = parseDocument(rich);
    expect(parsed.root.children[0]).toEqual({ ...(rich.root.children[0] as object), style: { color: '#aa0000', background: '#ffffff', bold: true, italic: false } });
    expect(parsed.links).toEqual(rich.links);
    expect(parsed.summaries).toEqual(rich.summaries);
  });

  it('opens a 1.0 document unchanged: no detail appears that was not there', () => {
    const plain = { version: 1, root: node('r', [node('a')]) };
    expect(parseDocument(plain)).toEqual(plain);
  });

  it('drops cross-links and summaries whose nodes are gone, keeping the rest', () => {
    const parsed = parseDocument({
      ...rich,
      links: [...rich.links, { id: 'l2', from: 'a', to: 'gone', label: '' }],
      summaries: [...rich.summaries, { id: 's2', parent: 'r', start: 1, end: 3, label: 'past the end' }, { id: 's3', parent: 'gone', start: 0, end: 0, label: '' }],
    });
    expect(parsed.links?.map((l) => l.id)).toEqual(['l1']);
    expect(parsed.summaries?.map((s) => s.id)).toEqual(['s1']);
  });

  it.each<[string, unknown]>([
    ['a javascript: link', { link: 'javascript:alert(1)' }],
    ['a data: link', { link: 'data:text/html,<b>' }],
    ['a colour that is not #rrggbb', { style: { color: 'red; background: url(x)' } }],
    ['a non-boolean folded', { folded: 'yes' }],
    ['tags that are not strings', { tags: [1] }],
    ['a note that is not a string', { note: {} }],
  ])('rejects %s', (_name, details) => {
    expect(() => parseDocument({ version: 1, root: { ...node('r'), ...(details as object) } })).toThrow(DocumentFormatError);
  });

  it.each<[string, unknown]>([
    ['links that are not an array', { links: {} }],
    ['a summary with end before start', { summaries: [{ id: 's', parent: 'r', start: 1, end: 0, label: '' }] }],
    ['a cross-link without an id', { links: [{ from: 'r', to: 'r', label: '' }] }],
  ])('rejects %s', (_name, extra) => {
    expect(() => parseDocument({ version: 1, root: node('r', [node('a'), node('b')]), ...(extra as object) })).toThrow(DocumentFormatError);
  });
});
