/**
 * The document ↔ mind-elixir data, both ways, losing nothing the document holds: details
 * (note, link, colours, tags, icons, folded), cross-links (mind-elixir's arrows) and summaries.
 * Fields this app does not know (written by a newer client) ride along in the node's metadata
 * and come back out unchanged.
 */
import type { MindElixirData, NodeObj } from 'mind-elixir';
import type { CrossLink, MindMapDocument, MindMapNode, NodeStyle, Summary } from '../session/document';

const KNOWN_NODE_FIELDS = new Set(['id', 'text', 'children', 'position', 'note', 'link', 'style', 'tags', 'icons', 'folded']);
const KNOWN_DOCUMENT_FIELDS = new Set(['version', 'root', 'links', 'summaries']);

interface NodeMetadata {
  position?: { x: number; y: number };
  /** Fields of the node this app does not know, kept as they came. */
  unknown?: Record<string, unknown>;
}

/** mind-elixir's style keys; fontStyle is not in its type but it copies every key onto the element. */
type ElixirStyle = NonNullable<NodeObj['style']> & { fontStyle?: string };

export function unknownFields(value: object, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  const unknown = Object.entries(value).filter(([key]) => !known.has(key));
  return unknown.length > 0 ? Object.fromEntries(unknown) : undefined;
}

export function toElixir(document: MindMapDocument): MindElixirData {
  const convert = (node: MindMapNode): NodeObj => {
    const metadata: NodeMetadata = {};
    if (node.position) metadata.position = node.position;
    const unknown = unknownFields(node, KNOWN_NODE_FIELDS);
    if (unknown) metadata.unknown = unknown;
    const obj: NodeObj = { id: node.id, topic: node.text, children: node.children.map(convert) };
    if (metadata.position || metadata.unknown) obj.metadata = metadata;
    if (node.note !== undefined) obj.note = node.note;
    if (node.link !== undefined) obj.hyperLink = node.link;
    if (node.tags?.length) obj.tags = [...node.tags];
    if (node.icons?.length) obj.icons = [...node.icons];
    if (node.folded) obj.expanded = false;
    if (node.style) obj.style = toElixirStyle(node.style);
    return obj;
  };
  return {
    nodeData: convert(document.root),
    arrows: (document.links ?? []).map((link) => ({ id: link.id, label: link.label, from: link.from, to: link.to, ...(link.bidirectional ? { bidirectional: true } : {}) })),
    summaries: (document.summaries ?? []).map((s) => ({ ...s })),
  };
}

/** `extra`: the document-level fields this app does not know, from the document last loaded. */
export function fromElixir(data: MindElixirData, extra?: Record<string, unknown>): MindMapDocument {
  const ids = new Set<string>();
  const childCounts = new Map<string, number>();
  const convert = (obj: NodeObj): MindMapNode => {
    ids.add(obj.id);
    childCounts.set(obj.id, obj.children?.length ?? 0);
    const metadata = (obj.metadata ?? {}) as NodeMetadata;
    const node: MindMapNode = { ...metadata.unknown, id: obj.id, text: obj.topic, children: (obj.children ?? []).map(convert) };
    if (metadata.position) node.position = metadata.position;
    if (obj.note) node.note = obj.note;
    if (obj.hyperLink) node.link = obj.hyperLink;
    const style = fromElixirStyle(obj.style as ElixirStyle | undefined);
    if (style) node.style = style;
    const tags = (obj.tags ?? []).map((tag) => (typeof tag === 'string' ? tag : tag.text)).filter(Boolean);
    if (tags.length) node.tags = tags;
    if (obj.icons?.length) node.icons = [...obj.icons];
    if (obj.expanded === false && node.children.length > 0) node.folded = true;
    return node;
  };
  const root = convert(data.nodeData);
  const links: CrossLink[] = (data.arrows ?? [])
    .filter((arrow) => ids.has(arrow.from) && ids.has(arrow.to))
    .map((arrow) => ({ id: arrow.id, from: arrow.from, to: arrow.to, label: arrow.label ?? '', ...(arrow.bidirectional ? { bidirectional: true } : {}) }));
  const summaries: Summary[] = (data.summaries ?? [])
    .filter((s) => s.end < (childCounts.get(s.parent) ?? 0))
    .map((s) => ({ id: s.id, parent: s.parent, start: s.start, end: s.end, label: s.label ?? '' }));
  return { ...extra, version: 1, root, ...(links.length ? { links } : {}), ...(summaries.length ? { summaries } : {}) };
}

export function documentExtra(document: MindMapDocument): Record<string, unknown> | undefined {
  return unknownFields(document, KNOWN_DOCUMENT_FIELDS);
}

function toElixirStyle(style: NodeStyle): ElixirStyle {
  const out: ElixirStyle = {};
  if (style.color) out.color = style.color;
  if (style.background) out.background = style.background;
  if (style.bold) out.fontWeight = 'bold';
  if (style.italic) out.fontStyle = 'italic';
  return out;
}

function fromElixirStyle(style: ElixirStyle | undefined): NodeStyle | undefined {
  if (!style) return undefined;
  const out: NodeStyle = {};
  if (style.color) out.color = style.color;
  if (style.background) out.background = style.background;
  if (style.fontWeight === 'bold') out.bold = true;
  if (style.fontStyle === 'italic') out.italic = true;
  return Object.keys(out).length ? out : undefined;
}
