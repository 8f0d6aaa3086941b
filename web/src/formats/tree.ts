import { isSafeLink, MAX_DOCUMENT_DEPTH, type CrossLink, type MindMapDocument, type MindMapNode, type NodeDetails, type NodeStyle } from '../session/document';

/** A format's tree before ids: what every importer builds. */
export interface Outline extends NodeDetails {
  text: string;
  children: Outline[];
  /** The node's id in the file (FreeMind `ID`), for the cross-links that point at it. */
  sourceId?: string;
}

/** A cross-link as a file states it: between source ids. */
export interface OutlineLink {
  from: string;
  to: string;
  label?: string;
}

export class ImportError extends Error {
  override readonly name = 'ImportError';
}

const COLOUR = /^#[0-9a-fA-F]{6}$/;
const MAX_NOTE_CHARS = 100_000;

/**
 * Fresh ids for every node, cross-links re-pointed at them; refuses trees deeper than the
 * document model allows. Details a file may hold but the document may not (a `javascript:`
 * link, a colour name) are left out rather than refusing the whole file.
 */
export function documentFromOutline(outline: Outline, links: readonly OutlineLink[] = []): MindMapDocument {
  const ids = new Map<string, string>();
  const convert = (node: Outline, depth: number): MindMapNode => {
    if (depth > MAX_DOCUMENT_DEPTH) throw new ImportError(`the file nests deeper than ${MAX_DOCUMENT_DEPTH} levels`);
    const id = crypto.randomUUID();
    if (node.sourceId) ids.set(node.sourceId, id);
    return { id, text: node.text, children: node.children.map((child) => convert(child, depth + 1)), ...cleanDetails(node) };
  };
  const root = convert(outline, 1);
  const crossLinks: CrossLink[] = links
    .filter((link) => ids.has(link.from) && ids.has(link.to))
    .map((link) => ({ id: crypto.randomUUID(), from: ids.get(link.from)!, to: ids.get(link.to)!, label: link.label ?? '' }));
  return { version: 1, root, ...(crossLinks.length ? { links: crossLinks } : {}) };
}

function cleanDetails(node: NodeDetails): NodeDetails {
  const details: NodeDetails = {};
  if (node.note?.trim()) details.note = node.note.slice(0, MAX_NOTE_CHARS);
  if (node.link && isSafeLink(node.link)) details.link = node.link.trim();
  const style: NodeStyle = {};
  if (node.style?.color && COLOUR.test(node.style.color)) style.color = node.style.color.toLowerCase();
  if (node.style?.background && COLOUR.test(node.style.background)) style.background = node.style.background.toLowerCase();
  if (node.style?.bold) style.bold = true;
  if (node.style?.italic) style.italic = true;
  if (Object.keys(style).length) details.style = style;
  const tags = (node.tags ?? []).map((t) => t.trim().slice(0, 100)).filter(Boolean).slice(0, 20);
  if (tags.length) details.tags = tags;
  if (node.folded) details.folded = true;
  return details;
}

/** Shared with the SDK's writers. */
export { oneLine } from '../session/document';
