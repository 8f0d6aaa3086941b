/**
 * The extension rule (docs/crypto.md §6.1) through the web editor's model: a document from another
 * writer, with fields this app does not know at every place the format allows, goes into
 * mind-elixir's data and back with those fields, and the known fields' forms, as they were.
 */
import type { MindElixirData, NodeObj } from 'mind-elixir';
import { describe, expect, it } from 'vitest';
import { type MindMapDocument, parseDocument } from '../session/document';
import { fromElixir, toElixir } from './elixir-document';
import { OTHER_WRITER_JSON } from './other-writer.fixture';

const WRITTEN = OTHER_WRITER_JSON;

/** What the SDK hands the app when it opens that save. */
const opened = (): MindMapDocument => parseDocument(JSON.parse(WRITTEN));

/** mind-elixir's getData(): its data through JSON, as the editor reads it on every save. */
/**
 * mind-elixir's getData(), as the editor reads it on every save: its data through JSON, less any
 * key named `parent` whose value is not a string (its nodes' links up the tree), at any depth.
 */
const elixirJson = (data: unknown): unknown => JSON.parse(JSON.stringify(data, (key, value: unknown) => (key === 'parent' && typeof value !== 'string' ? undefined : value)));

/** The editor's save: mind-elixir's data merged with the document it drew. */
const saved = (data: MindElixirData, drawn: MindMapDocument): MindMapDocument => fromElixir(elixirJson(data) as MindElixirData, drawn);

function nodeObj(data: MindElixirData, id: string): NodeObj {
  const walk = (node: NodeObj): NodeObj | undefined => (node.id === id ? node : (node.children ?? []).map(walk).find(Boolean));
  const found = walk(data.nodeData);
  if (!found) throw new Error(`no node ${id}`);
  return found;
}

/** The document as JSON text is the byte-for-byte check: every field's name and value. */
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('the web editor keeps what it does not know (extension rule)', () => {
  it('open → edit one node\'s text → save: every other field comes back as written, at every level', () => {
    const drawn = opened();
    const data = toElixir(drawn);
    nodeObj(data, 'b1').topic = 'Flights (booked)';
    const back = saved(data, drawn);

    const expected = JSON.parse(WRITTEN) as { root: { children: { children: { text: string }[] }[] } };
    expected.root.children[1]!.children[0]!.text = 'Flights (booked)';
    expect(json(back)).toEqual(expected);
    // `__proto__` stays a plain field of its node: nothing leaks into the prototype.
    const a = back.root.children[0]!;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(a, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('gives mind-elixir no unknown field, not even one named like its own', () => {
    const drawn = opened();
    const data = toElixir(drawn);
    const a = nodeObj(data, 'a');
    expect(a).not.toHaveProperty('image');
    expect(a.style).toEqual({ color: '#112233' });
    expect(Object.keys(data.arrows![0]!).sort()).toEqual(['from', 'id', 'label', 'to']);
    expect(data.summaries![0]).toEqual({ id: 's', parent: 'r', start: 0, end: 1, label: 'all' });
  });

  it('an edited style keeps its unknown fields, even when the person clears every colour and flag', () => {
    const drawn = opened();
    const data = toElixir(drawn);
    // As setDetails does: the old style goes, the dialog's new one comes in.
    nodeObj(data, 'a').style = { color: '#445566', fontWeight: 'bold' };
    expect(saved(data, drawn).root.children[0]!.style).toEqual({ color: '#445566', bold: true, font: { family: 'serif', size: 14, parent: { family: 'sans' } } });
    nodeObj(data, 'a').style = {};
    expect(saved(data, drawn).root.children[0]!.style).toEqual({ bold: false, font: { family: 'serif', size: 14, parent: { family: 'sans' } } });
  });

  it('an edited cross-link or summary label keeps the item\'s unknown fields', () => {
    const drawn = opened();
    const data = toElixir(drawn);
    data.arrows![0]!.label = 'pays for';
    data.summaries![0]!.label = 'everything';
    const back = saved(data, drawn);
    expect(back.links).toEqual([{ id: 'l', from: 'a', to: 'b1', label: 'pays for', bidirectional: false, curve: { bend: 0.3 } }]);
    expect(back.summaries).toEqual([{ id: 's', parent: 'r', start: 0, end: 1, label: 'everything', colour: '#336699', style: { stroke: '#ff0000' } }]);
  });

  it('a node, cross-link or summary removed takes its unknown fields with it; the rest keep theirs', () => {
    const drawn = opened();
    const data = toElixir(drawn);
    data.nodeData.children = data.nodeData.children!.filter((child) => child.id !== 'a');
    data.summaries = [];
    const back = saved(data, drawn);
    const text = JSON.stringify(back);
    for (const gone of ['checklist', 'priority', 'parent":{"id', 'anchor', 'font"', 'curve', 'colour', 'polluted']) expect(text).not.toContain(gone);
    expect(back).not.toHaveProperty('links');
    expect(back).not.toHaveProperty('summaries');
    expect(json(back.root.children[0]!.children[0])).toEqual({ id: 'b1', text: 'Flights', children: [], estimate: { currency: 'EUR', amount: 1200.5 } });
    expect(json(back)).toMatchObject({ theme: { name: 'dusk' }, root: { layout: 'radial' } });
  });

  it('a copy of a node carries the original\'s unknown fields, also once the original is gone (cut and paste)', () => {
    const drawn = opened();
    const data = toElixir(drawn);
    // As mind-elixir copies: through JSON less every `parent` key, then new ids all through.
    const copyOf = (id: string, ids: string[]): NodeObj => {
      const copy = JSON.parse(JSON.stringify(nodeObj(data, id), (key, value: unknown) => (key === 'parent' ? undefined : value))) as NodeObj;
      const renew = (node: NodeObj) => {
        node.id = ids.shift()!;
        node.children?.forEach(renew);
      };
      renew(copy);
      return copy;
    };
    data.nodeData.children!.push(copyOf('b', ['b-copy', 'b1-copy']));
    const [, b, , bCopy] = saved(data, drawn).root.children;
    expect(json(bCopy)).toEqual({ ...(json(b) as object), id: 'b-copy', children: [{ id: 'b1-copy', text: 'Flights', children: [], estimate: { currency: 'EUR', amount: 1200.5 } }] });

    const [written] = (JSON.parse(WRITTEN) as { root: { children: object[] } }).root.children;
    data.nodeData.children!.push(copyOf('a', ['a-pasted']));
    data.nodeData.children = data.nodeData.children!.filter((child) => child.id !== 'a');
    expect(json(saved(data, drawn).root.children.at(-1))).toEqual({ ...written, id: 'a-pasted' });
  });

  it('a known field the person changed is written in this editor\'s form; the ones left alone keep theirs', () => {
    const drawn = opened();
    const data = toElixir(drawn);
    const b = nodeObj(data, 'b');
    b.expanded = true;
    b.style = { fontWeight: 'bold' };
    const a = nodeObj(data, 'a');
    a.note = 'Renew the passport';
    a.tags = ['todo'];
    const [savedA, savedB, savedC] = saved(data, drawn).root.children;
    expect(savedB).not.toHaveProperty('folded');
    expect(savedB!.style).toEqual({ bold: true });
    expect(savedB!.icons).toEqual(['💶']);
    expect(savedA).toMatchObject({ note: 'Renew the passport', tags: ['todo'], folded: false });
    expect(savedC).toMatchObject({ folded: true, link: 'https://example.com/c' });
  });
});
