import type { MindMapDocument, MindMapNode } from '../session/document';
import { documentFromOutline, ImportError, type Outline } from './tree';
import { escapeXml, parseXml, type XmlElement } from './xml';

/** FreeMind 1.0 `.mm` (also read by Freeplane and most mind-map tools). */
export function toFreeMind(document: MindMapDocument): string {
  const lines = ['<map version="1.0.1">'];
  const walk = (node: MindMapNode, depth: number, side?: 'left' | 'right') => {
    const indent = '  '.repeat(depth);
    const attributes = `ID="ID_${node.id.replace(/[^A-Za-z0-9_]/g, '')}" TEXT="${escapeXml(node.text)}"${side ? ` POSITION="${side}"` : ''}`;
    if (node.children.length === 0) {
      lines.push(`${indent}<node ${attributes}/>`);
      return;
    }
    lines.push(`${indent}<node ${attributes}>`);
    node.children.forEach((child, i) => walk(child, depth + 1, depth === 1 ? (i % 2 === 0 ? 'right' : 'left') : undefined));
    lines.push(`${indent}</node>`);
  };
  walk(document.root, 1);
  lines.push('</map>');
  return `${lines.join('\n')}\n`;
}

export function fromFreeMind(text: string): MindMapDocument {
  const map = parseXml(text);
  if (map.name !== 'map') throw new ImportError('not a FreeMind file (no <map> element)');
  const root = map.children.find((c) => c.name === 'node');
  if (!root) throw new ImportError('FreeMind map without a root node');
  const convert = (element: XmlElement): Outline => ({
    text: element.attributes['TEXT'] ?? richText(element),
    children: element.children.filter((c) => c.name === 'node').map(convert),
  });
  return documentFromOutline(convert(root));
}

/** Nodes with formatting keep their text as HTML in <richcontent TYPE="NODE">: its words, no markup. */
function richText(element: XmlElement): string {
  const rich = element.children.find((c) => c.name === 'richcontent' && (c.attributes['TYPE'] ?? 'NODE') === 'NODE');
  if (!rich) return '';
  const words: string[] = [];
  const walk = (e: XmlElement) => {
    if (e.text.trim()) words.push(e.text.trim());
    e.children.forEach(walk);
  };
  walk(rich);
  return words.join(' ').replace(/\s+/g, ' ');
}
