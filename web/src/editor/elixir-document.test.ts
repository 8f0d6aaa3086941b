import { describe, expect, it } from 'vitest';
import type { MindMapDocument } from '../session/document';
import { fromElixir, toElixir } from './elixir-document';

const rich: MindMapDocument = {
  version: 1,
  root: {
    id: 'r',
    text: 'Root',
    children: [
      { id: 'a', text: 'A', children: [], note: 'two\nlines', link: 'https://example.com', style: { color: '#112233', background: '#ffeedd', bold: true, italic: true }, tags: ['x', 'y'], icons: ['⭐'] },
      { id: 'b', text: 'B', children: [{ id: 'b1', text: 'B1', children: [] }], folded: true, position: { x: 3, y: 4 } },
    ],
  },
  links: [{ id: 'l', from: 'a', to: 'b1', label: 'see', bidirectional: true }],
  summaries: [{ id: 's', parent: 'r', start: 0, end: 1, label: 'both' }],
};

describe('document ↔ mind-elixir', () => {
  it('round-trips every field of document 1.1', () => {
    expect(fromElixir(toElixir(rich), rich)).toEqual(rich);
  });

  it('drops cross-links and summaries whose nodes were removed in the editor', () => {
    const data = toElixir(rich);
    data.nodeData.children = data.nodeData.children!.slice(0, 1);
    const back = fromElixir(data, rich);
    expect(back.links).toBeUndefined();
    expect(back.summaries).toBeUndefined();
  });

  it('writes a 1.0 document back without any 1.1 field', () => {
    const plain: MindMapDocument = { version: 1, root: { id: 'r', text: 'R', children: [{ id: 'c', text: 'C', children: [] }] } };
    expect(fromElixir(toElixir(plain), plain)).toEqual(plain);
  });
});
