/**
 * What `push` reads and `pull`/`open` write: a mind map as JSON (the document format itself,
 * `{ "version": 1, "root": … }`) or as an indented outline, one node per line:
 *
 *   Trip to Lisbon
 *     - Flights
 *       - TAP 1234
 *     - Hotels
 *
 * Indentation (spaces or tabs) gives the depth; a leading `-`, `*` or `+` bullet is dropped. One
 * top-level line is the root; several become children of a root named after the file.
 */
import { randomUUID } from 'node:crypto';
import { basename, extname } from 'node:path';
import { DocumentFormatError } from '../crypto/errors.js';
import { type MindMapDocument, type MindMapNode, parseDocument } from '../model/mind-map-document.js';

export type DocumentFormat = 'json' | 'outline';

export function parseDocumentFile(text: string, fileName: string): MindMapDocument {
  const trimmed = text.trimStart();
  if (extname(fileName).toLowerCase() === '.json' || trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new DocumentFormatError(`${fileName}: not valid JSON (${(cause as Error).message})`, { cause });
    }
    return parseDocument(value);
  }
  return parseOutline(text, basename(fileName, extname(fileName)));
}

export function parseOutline(text: string, fallbackTitle: string): MindMapDocument {
  const lines = text
    .split(/\r?\n/)
    .map((line) => ({ indent: indentOf(line), text: line.trim().replace(/^[-*+]\s+/, '') }))
    .filter((line) => line.text.length > 0);
  if (lines.length === 0) throw new DocumentFormatError('outline: no lines');
  const top = Math.min(...lines.map((l) => l.indent));
  const topLevel = lines.filter((l) => l.indent === top).length;
  const root = node(topLevel === 1 ? lines[0]!.text : fallbackTitle);
  // A stack of (indent, node): each line hangs under the nearest shallower line.
  const stack: { indent: number; node: MindMapNode }[] = [{ indent: topLevel === 1 ? top : -1, node: root }];
  for (const line of topLevel === 1 ? lines.slice(1) : lines) {
    while (stack.length > 1 && stack.at(-1)!.indent >= line.indent) stack.pop();
    const child = node(line.text);
    stack.at(-1)!.node.children.push(child);
    stack.push({ indent: line.indent, node: child });
  }
  return parseDocument({ version: 1, root });
}

export function formatDocument(document: MindMapDocument, format: DocumentFormat): string {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  const lines: string[] = [document.root.text];
  const walk = (children: MindMapNode[], depth: number) => {
    for (const child of children) {
      lines.push(`${'  '.repeat(depth)}- ${child.text}`);
      walk(child.children, depth + 1);
    }
  };
  walk(document.root.children, 1);
  return `${lines.join('\n')}\n`;
}

function node(text: string): MindMapNode {
  return { id: randomUUID(), text, children: [] };
}

function indentOf(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width += 1;
    else if (ch === '\t') width += 4;
    else break;
  }
  return width;
}
