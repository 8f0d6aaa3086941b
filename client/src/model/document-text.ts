/**
 * A document written as text, for people and other outliners: the native JSON, a Markdown outline
 * and OPML 2.0. Pure functions; the web app's export menu and the account archive both use them
 * (the web app keeps the readers, web/src/formats).
 */
import type { MindMapDocument, MindMapNode } from './mind-map-document.js';

/** The native format: the document exactly as the vault stores it (before encryption). */
export function documentToJson(document: MindMapDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * `# Root` then a nested bullet list, two spaces a level. A node's link makes its text a
 * Markdown link; its note follows it as a quote (`> …`) indented under it.
 */
export function documentToMarkdown(document: MindMapDocument): string {
  const lines = [`# ${oneLine(document.root.text)}`, ''];
  const noteLines = (node: MindMapNode, indent: string) => {
    if (node.note) for (const line of node.note.split(/\r?\n/)) lines.push(`${indent}> ${line}`.trimEnd());
  };
  noteLines(document.root, '');
  if (document.root.note) lines.push('');
  const walk = (node: MindMapNode, depth: number) => {
    for (const child of node.children) {
      const text = oneLine(child.text);
      lines.push(`${'  '.repeat(depth)}- ${child.link ? `[${text.replace(/[[\]]/g, '\\$&')}](${escapeLinkTarget(child.link)})` : text}`);
      noteLines(child, '  '.repeat(depth + 1));
      walk(child, depth + 1);
    }
  };
  walk(document.root, 0);
  return `${lines.join('\n')}\n`;
}

/**
 * OPML 2.0: the root is the one top-level outline; the title goes in the head too. Notes are the
 * common `_note` attribute (OmniOutliner, Dynalist, Workflowy), links `type="link" url=…`.
 */
export function documentToOpml(document: MindMapDocument): string {
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

/** A single line of text (outline formats cannot hold line breaks inside an item). */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Parentheses and spaces end a Markdown link target: they are written percent-encoded. */
function escapeLinkTarget(url: string): string {
  return url.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Escapes text for an attribute value or element content; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 cannot hold
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
