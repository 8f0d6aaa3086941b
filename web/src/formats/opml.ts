import type { MindMapDocument, MindMapNode } from '../session/document';
import { documentFromOutline, ImportError, type Outline } from './tree';
import { escapeXml, parseXml, type XmlElement } from './xml';

/**
 * OPML 2.0: the root is the one top-level outline; the title goes in the head too. Notes are the
 * common `_note` attribute (OmniOutliner, Dynalist, Workflowy), links `type="link" url=…`.
 */
export function toOpml(document: MindMapDocument): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    `  <head><title>${escapeXml(document.root.text)}</title></head>`,
    '  <body>',
  ];
  const walk = (node: MindMapNode, depth: number) => {
    const indent = '  '.repeat(depth);
    let attributes = `text="${escapeXml(node.text)}"`;
    if (node.note) attributes += ` _note="${escapeXml(node.note)}"`;
    if (node.link) attributes += ` type="link" url="${escapeXml(node.link)}"`;
    if (node.children.length === 0) {
      lines.push(`${indent}<outline ${attributes}/>`);
      return;
    }
    lines.push(`${indent}<outline ${attributes}>`);
    for (const child of node.children) walk(child, depth + 1);
    lines.push(`${indent}</outline>`);
  };
  walk(document.root, 2);
  lines.push('  </body>', '</opml>');
  return `${lines.join('\n')}\n`;
}

/** The head's title, when there is one, is the map's title (and so its root's text). */
export function fromOpml(text: string): MindMapDocument {
  const opml = parseXml(text);
  if (opml.name !== 'opml') throw new ImportError('not an OPML file (no <opml> element)');
  const body = opml.children.find((c) => c.name === 'body');
  if (!body) throw new ImportError('OPML without a <body>');
  const outlines = body.children.filter((c) => c.name === 'outline');
  const title = opml.children.find((c) => c.name === 'head')?.children.find((c) => c.name === 'title')?.text.trim();
  const convert = (element: XmlElement): Outline => {
    const { text: t, title: alt, _note: note, url, htmlUrl } = element.attributes;
    return {
      text: t ?? alt ?? '',
      children: element.children.filter((c) => c.name === 'outline').map(convert),
      ...(note ? { note } : {}),
      ...(url || htmlUrl ? { link: url ?? htmlUrl } : {}),
    };
  };
  if (outlines.length === 1) {
    const root = convert(outlines[0]!);
    return documentFromOutline(title ? { ...root, text: title } : root);
  }
  return documentFromOutline({ text: title || 'Imported map', children: outlines.map(convert) });
}
