import { describe, expect, it } from 'vitest';
import type { MindMapDocument, MindMapNode } from '../session/document';
import { fromFreeMind, fromJson, fromMarkdown, fromOpml, importFile, ImportError, toFreeMind, toJson, toMarkdown, toOpml } from './index';
import { parseXml, XmlSyntaxError } from './xml';

/** Texts and shape only: importers mint fresh ids. */
interface Shape {
  text: string;
  children: Shape[];
}
const shape = (node: MindMapNode): Shape => ({ text: node.text, children: node.children.map(shape) });

let nextId = 0;
function doc(tree: Shape): MindMapDocument {
  const build = (s: Shape): MindMapNode => ({ id: `n${nextId++}`, text: s.text, children: s.children.map(build) });
  return { version: 1, root: build(tree) };
}

const TRIP: Shape = {
  text: 'Trip <to> "Lisbon" & back',
  children: [
    { text: 'Alfama', children: [{ text: 'Fado bar', children: [] }, { text: "Miradouro de Sta. Luzia's view", children: [] }] },
    { text: 'Belém', children: [{ text: 'Pastéis de nata 🥐', children: [] }] },
    { text: 'Budget: 1 < 2 > 0', children: [] },
  ],
};

describe('round trips keep every text and the tree shape', () => {
  it.each([
    ['JSON', toJson, fromJson],
    ['Markdown', toMarkdown, fromMarkdown],
    ['OPML', toOpml, fromOpml],
    ['FreeMind', toFreeMind, fromFreeMind],
  ] as const)('%s', (_name, write, read) => {
    expect(shape(read(write(doc(TRIP))).root)).toEqual(TRIP);
  });

  it('JSON keeps ids and positions exactly', () => {
    const original: MindMapDocument = { version: 1, root: { id: 'r', text: 'Root', children: [{ id: 'c', text: 'C', children: [], position: { x: 3, y: -4 } }] } };
    expect(fromJson(toJson(original))).toEqual(original);
  });

  it('importers give every node a fresh, unique id', () => {
    const imported = fromOpml(toOpml(doc(TRIP)));
    const ids: string[] = [];
    const walk = (n: MindMapNode) => (ids.push(n.id), n.children.forEach(walk));
    walk(imported.root);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('writers', () => {
  it('writes a Markdown outline: a heading, then bullets two spaces a level', () => {
    expect(toMarkdown(doc({ text: 'Root', children: [{ text: 'A', children: [{ text: 'A1', children: [] }] }, { text: 'B\nsecond line', children: [] }] }))).toBe(
      '# Root\n\n- A\n  - A1\n- B second line\n',
    );
  });

  it('writes OPML 2.0 with escaped attributes', () => {
    const opml = toOpml(doc({ text: 'R & "D"', children: [{ text: '<b>', children: [] }] }));
    expect(opml).toContain('<opml version="2.0">');
    expect(opml).toContain('<title>R &amp; &quot;D&quot;</title>');
    expect(opml).toContain('<outline text="R &amp; &quot;D&quot;">');
    expect(opml).toContain('<outline text="&lt;b&gt;"/>');
  });

  it('writes FreeMind nodes with TEXT, ID and a side for first-level children', () => {
    const mm = toFreeMind(doc({ text: 'Root', children: [{ text: 'A', children: [] }, { text: 'B', children: [] }] }));
    expect(mm.startsWith('<map version="1.0.1">')).toBe(true);
    expect(mm).toMatch(/<node ID="ID_\w+" TEXT="A" POSITION="right"\/>/);
    expect(mm).toMatch(/<node ID="ID_\w+" TEXT="B" POSITION="left"\/>/);
  });

  it('drops characters XML cannot hold instead of writing a file no reader opens', () => {
    const mm = toFreeMind(doc({ text: 'bell\u0007 here', children: [] }));
    expect(mm).toContain('TEXT="bell here"');
    expect(() => parseXml(mm)).not.toThrow();
  });
});

describe('readers', () => {
  it('reads a FreeMind file as Freeplane writes it: rich text, attributes, icons, entities', () => {
    const mm = `<map version="freeplane 1.9.0">
<!--To view this file, download free mind mapping software Freeplane from https://www.freeplane.org -->
<node TEXT="Project&#xa;plan" ID="ID_1" CREATED="1" MODIFIED="2">
<hook NAME="MapStyle"><properties show_icon_for_attributes="true"/></hook>
<node TEXT="Goals" POSITION="right" ID="ID_2"><icon BUILTIN="yes"/>
<node ID="ID_3"><richcontent TYPE="NODE"><html><head/><body><p>Ship <b>v1</b></p></body></html></richcontent></node>
</node>
<node TEXT="Risks &amp; issues" POSITION="left" ID="ID_4"><attribute NAME="owner" VALUE="me"/></node>
</node>
</map>`;
    expect(shape(fromFreeMind(mm).root)).toEqual({
      text: 'Project\nplan',
      children: [
        { text: 'Goals', children: [{ text: 'Ship v1', children: [] }] },
        { text: 'Risks & issues', children: [] },
      ],
    });
  });

  it('reads OPML with several top-level outlines under the head title', () => {
    const opml = '<?xml version="1.0"?><opml version="1.0"><head><title>Week</title></head><body><outline text="Mon"/><outline title="Tue"><outline text="Gym"/></outline></body></opml>';
    expect(shape(fromOpml(opml).root)).toEqual({ text: 'Week', children: [{ text: 'Mon', children: [] }, { text: 'Tue', children: [{ text: 'Gym', children: [] }] }] });
  });

  it('reads Markdown headings and bullets of any marker and indent', () => {
    const md = ['# Plan', '', 'Some prose that is not part of the outline.', '## Phase one', '* Design', '    * Sketches', '    * Review', '1. Build', '## Phase two', '\t- Launch'].join('\n');
    expect(shape(fromMarkdown(md).root)).toEqual({
      text: 'Plan',
      children: [
        { text: 'Phase one', children: [{ text: 'Design', children: [{ text: 'Sketches', children: [] }, { text: 'Review', children: [] }] }, { text: 'Build', children: [] }] },
        { text: 'Phase two', children: [{ text: 'Launch', children: [] }] },
      ],
    });
  });

  it('reads a bare bullet list under a stand-in root', () => {
    expect(shape(fromMarkdown('- a\n  - b\n- c').root)).toEqual({ text: 'Imported map', children: [{ text: 'a', children: [{ text: 'b', children: [] }] }, { text: 'c', children: [] }] });
  });

  it('picks the reader by extension, then by content', () => {
    expect(importFile('x.mm', toFreeMind(doc(TRIP))).root.text).toBe(TRIP.text);
    expect(importFile('x.opml', toOpml(doc(TRIP))).root.text).toBe(TRIP.text);
    expect(importFile('x.md', toMarkdown(doc(TRIP))).root.text).toBe(TRIP.text);
    expect(importFile('x.json', toJson(doc(TRIP))).root.text).toBe(TRIP.text);
    expect(importFile('download', toOpml(doc(TRIP))).root.text).toBe(TRIP.text);
  });

  it('refuses files that are not what they claim, with an ImportError', () => {
    expect(() => fromJson('{"version":2}')).toThrow(ImportError);
    expect(() => fromJson('not json')).toThrow(ImportError);
    expect(() => fromOpml('<map/>')).toThrow(ImportError);
    expect(() => fromFreeMind('<opml><body/></opml>')).toThrow(ImportError);
    expect(() => fromMarkdown('just prose\nno outline')).toThrow(ImportError);
  });

  it('refuses malformed XML', () => {
    expect(() => parseXml('<map><node TEXT="a"></map>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<map>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a/><b/>')).toThrow(XmlSyntaxError);
  });

  it('never expands entities it does not know (no DTD tricks)', () => {
    const mm = '<!DOCTYPE map [<!ENTITY x "boom">]><map><node TEXT="&x;"/></map>';
    expect(fromFreeMind(mm).root.text).toBe('&x;');
  });

  it('refuses nesting deeper than the document model allows', () => {
    const deep = `<map>${'<node TEXT="n">'.repeat(1100)}${'</node>'.repeat(1100)}</map>`;
    expect(() => fromFreeMind(deep)).toThrow(ImportError);
  });
});

describe('document 1.1 details in the formats that can carry them', () => {
  const rich = (): MindMapDocument => ({
    version: 1,
    root: {
      id: 'r',
      text: 'Plan',
      children: [
        { id: 'a', text: 'Tickets', note: 'Book early\nwindow seat', link: 'https://example.com/t?a=1&b=(2)', style: { color: '#aa0000', background: '#ffeeee', bold: true, italic: true }, tags: ['todo', 'money'], children: [] },
        { id: 'b', text: 'Hotel', folded: true, children: [{ id: 'b1', text: 'Near the river', children: [] }] },
      ],
    },
    links: [{ id: 'l', from: 'a', to: 'b1', label: 'pay first' }],
  });
  const tickets = (d: MindMapDocument) => d.root.children[0]!;

  it('JSON keeps everything, ids included', () => {
    expect(fromJson(toJson(rich()))).toEqual(rich());
  });

  it('OPML keeps notes (_note) and links', () => {
    const back = fromOpml(toOpml(rich()));
    expect(tickets(back)).toMatchObject({ note: 'Book early\nwindow seat', link: 'https://example.com/t?a=1&b=(2)' });
  });

  it('FreeMind keeps notes, links, colours, bold and italic, tags (attributes), folding and arrows', () => {
    const back = fromFreeMind(toFreeMind(rich()));
    expect(tickets(back)).toMatchObject({ note: 'Book early\nwindow seat', link: 'https://example.com/t?a=1&b=(2)', style: { color: '#aa0000', background: '#ffeeee', bold: true, italic: true }, tags: ['todo', 'money'] });
    expect(back.root.children[1]).toMatchObject({ folded: true });
    expect(back.links).toEqual([{ id: expect.any(String), from: tickets(back).id, to: back.root.children[1]!.children[0]!.id, label: 'pay first' }]);
  });

  it('Markdown keeps notes (quotes under the item) and links ([text](url))', () => {
    const back = fromMarkdown(toMarkdown(rich()));
    expect(tickets(back)).toMatchObject({ text: 'Tickets', note: 'Book early\nwindow seat', link: 'https://example.com/t?a=1&b=(2)' });
    expect(shape(back.root)).toEqual(shape(rich().root));
  });

  it('leaves out what a document may not hold (a javascript: link, a colour name) and keeps the rest of the file', () => {
    const mm = '<map><node TEXT="R"><node TEXT="x" LINK="javascript:alert(1)" COLOR="red"/><node TEXT="y" LINK="https://ok.example"/></node></map>';
    const back = fromFreeMind(mm);
    expect(back.root.children[0]).toEqual({ id: expect.any(String), text: 'x', children: [] });
    expect(back.root.children[1]).toMatchObject({ link: 'https://ok.example' });
    expect(fromMarkdown('# R\n- [x](javascript:alert(1))').root.children[0]).not.toHaveProperty('link');
  });
});

describe('imports take the file title', () => {
  it('OPML: the head title names the map, over the root outline text', () => {
    const opml = '<opml version="2.0"><head><title>Lisbon trip</title></head><body><outline text="Trip plan"><outline text="Alfama"/></outline></body></opml>';
    expect(fromOpml(opml).root.text).toBe('Lisbon trip');
  });

  it('Markdown without a heading: the file name, without its extension', () => {
    expect(importFile('Groceries list.md', '- milk\n- eggs').root.text).toBe('Groceries list');
  });
});
