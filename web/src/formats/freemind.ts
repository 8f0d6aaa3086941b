import type { MindMapDocument, MindMapNode } from '../session/document';
import { documentFromOutline, ImportError, type Outline, type OutlineLink } from './tree';
import { escapeXml, parseXml, type XmlElement } from './xml';

/**
 * FreeMind 1.0 `.mm` (also read by Freeplane and most mind-map tools): the node's `LINK`,
 * `FOLDED`, `COLOR`, `BACKGROUND_COLOR`, `<font BOLD ITALIC>`, the note as
 * `<richcontent TYPE="NOTE">`, tags as `<attribute NAME="tag">`, cross-links as `<arrowlink>`.
 */
export function toFreeMind(document: MindMapDocument): string {
  const lines = ['<map version="1.0.1">'];
  const fmId = (id: string) => `ID_${id.replace(/[^A-Za-z0-9_]/g, '')}`;
  const arrows = new Map<string, { to: string; label: string }[]>();
  for (const link of document.links ?? []) arrows.set(link.from, [...(arrows.get(link.from) ?? []), { to: link.to, label: link.label }]);
  const walk = (node: MindMapNode, depth: number, side?: 'left' | 'right') => {
    const indent = '  '.repeat(depth);
    let attributes = `ID="${fmId(node.id)}" TEXT="${escapeXml(node.text)}"${side ? ` POSITION="${side}"` : ''}`;
    if (node.folded && node.children.length) attributes += ' FOLDED="true"';
    if (node.link) attributes += ` LINK="${escapeXml(node.link)}"`;
    if (node.style?.color) attributes += ` COLOR="${node.style.color}"`;
    if (node.style?.background) attributes += ` BACKGROUND_COLOR="${node.style.background}"`;
    const inner: string[] = [];
    if (node.style?.bold || node.style?.italic) inner.push(`<font NAME="SansSerif" SIZE="12"${node.style.bold ? ' BOLD="true"' : ''}${node.style.italic ? ' ITALIC="true"' : ''}/>`);
    for (const arrow of arrows.get(node.id) ?? []) inner.push(`<arrowlink DESTINATION="${fmId(arrow.to)}"${arrow.label ? ` MIDDLE_LABEL="${escapeXml(arrow.label)}"` : ''} ENDARROW="Default"/>`);
    for (const tag of node.tags ?? []) inner.push(`<attribute NAME="tag" VALUE="${escapeXml(tag)}"/>`);
    if (node.note) {
      const paragraphs = node.note.split('\n').map((line) => `<p>${escapeXml(line)}</p>`).join('');
      inner.push(`<richcontent TYPE="NOTE"><html><head/><body>${paragraphs}</body></html></richcontent>`);
    }
    if (node.children.length === 0 && inner.length === 0) {
      lines.push(`${indent}<node ${attributes}/>`);
      return;
    }
    lines.push(`${indent}<node ${attributes}>`);
    for (const line of inner) lines.push(`${indent}  ${line}`);
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
  const links: OutlineLink[] = [];
  const convert = (element: XmlElement): Outline => {
    const a = element.attributes;
    const font = element.children.find((c) => c.name === 'font')?.attributes;
    const note = element.children.find((c) => c.name === 'richcontent' && c.attributes['TYPE'] === 'NOTE');
    const tags = element.children.filter((c) => c.name === 'attribute' && c.attributes['NAME']?.toLowerCase() === 'tag' && c.attributes['VALUE']).map((c) => c.attributes['VALUE']!);
    for (const arrow of element.children.filter((c) => c.name === 'arrowlink')) {
      if (a['ID'] && arrow.attributes['DESTINATION']) links.push({ from: a['ID'], to: arrow.attributes['DESTINATION'], label: arrow.attributes['MIDDLE_LABEL'] ?? '' });
    }
    return {
      text: a['TEXT'] ?? richText(element, 'NODE', ' '),
      children: element.children.filter((c) => c.name === 'node').map(convert),
      ...(a['ID'] ? { sourceId: a['ID'] } : {}),
      ...(a['LINK'] ? { link: a['LINK'] } : {}),
      ...(a['FOLDED'] === 'true' ? { folded: true } : {}),
      ...(note ? { note: richText(element, 'NOTE', '\n') } : {}),
      ...(tags.length ? { tags } : {}),
      style: {
        ...(a['COLOR'] ? { color: a['COLOR'] } : {}),
        ...(a['BACKGROUND_COLOR'] ? { background: a['BACKGROUND_COLOR'] } : {}),
        ...(font?.['BOLD'] === 'true' ? { bold: true } : {}),
        ...(font?.['ITALIC'] === 'true' ? { italic: true } : {}),
      },
    };
  };
  return documentFromOutline(convert(root), links);
}

/**
 * Formatted text lives as HTML in <richcontent TYPE="NODE"> (the node's text) or TYPE="NOTE":
 * its words, no markup; each block of a note on its own line.
 */
function richText(element: XmlElement, type: 'NODE' | 'NOTE', separator: string): string {
  const rich = element.children.find((c) => c.name === 'richcontent' && (c.attributes['TYPE'] ?? 'NODE') === type);
  if (!rich) return '';
  const blocks: string[] = [];
  const walk = (e: XmlElement) => {
    if (e.text.trim()) blocks.push(e.text.trim());
    e.children.forEach(walk);
  };
  walk(rich);
  return separator === ' ' ? blocks.join(' ').replace(/\s+/g, ' ') : blocks.join(separator);
}
