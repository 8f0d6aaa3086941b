import { describe, expect, it } from 'vitest';
import { formatDocument, parseDocumentFile, parseOutline } from '../src/cli/document-file.js';
import { DocumentFormatError } from '../src/crypto/errors.js';

const texts = (node: { text: string; children: { text: string; children: never[] }[] }): unknown => [
  node.text,
  ...node.children.map((c) => texts(c as never)),
];

describe('document files', () => {
  it('reads an indented outline: one top line is the root, bullets dropped, tabs are indents', () => {
    const doc = parseOutline('Trip\n  - Flights\n    * TAP 1234\n\n  + Hotels\n\t- Booking\n', 'fallback');
    expect(texts(doc.root as never)).toEqual(['Trip', ['Flights', ['TAP 1234']], ['Hotels', ['Booking']]]);
  });

  it('hangs several top-level lines under a root named after the file', () => {
    const doc = parseDocumentFile('- one\n- two\n  - two.a\n', 'notes/ideas.md');
    expect(texts(doc.root as never)).toEqual(['ideas', ['one'], ['two', ['two.a']]]);
  });

  it('reads JSON documents by extension or by content, and validates them', () => {
    const json = JSON.stringify({ version: 1, root: { id: 'r', text: 'Root', children: [] } });
    expect(parseDocumentFile(json, 'map.txt').root.text).toBe('Root');
    expect(() => parseDocumentFile('{"version": 2}', 'x.json')).toThrow(DocumentFormatError);
    expect(() => parseDocumentFile('{ oops', 'x.json')).toThrow(/not valid JSON/);
    expect(() => parseDocumentFile('\n  \n', 'empty.md')).toThrow(DocumentFormatError);
  });

  it('writes an outline that reads back to the same tree', () => {
    const outline = 'Trip\n  - Flights\n    - TAP 1234\n  - Hotels\n';
    const doc = parseOutline(outline, 'x');
    expect(formatDocument(doc, 'outline')).toBe(outline);
    expect(JSON.parse(formatDocument(doc, 'json'))).toEqual(doc);
  });
});
