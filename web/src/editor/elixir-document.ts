/**
 * The document ↔ mind-elixir data, both ways, losing nothing the document holds: details
 * (note, link, colours, tags, icons, folded), cross-links (mind-elixir's arrows) and summaries.
 * mind-elixir gets the known fields only; everything else (fields this app does not know, at
 * every level, and a node's position) stays in the document put in, which fromElixir merges
 * back by id (original-fields.ts). A node records the id it was drawn from in its metadata,
 * which mind-elixir copies with it: a copy of a node (copy and paste, or cut and paste, which is
 * how a node moves far) carries the original's fields, as it carries its text and details.
 */
import type { MindElixirData, NodeObj } from 'mind-elixir';
import type { CrossLink, MindMapDocument, MindMapNode, NodeDetails, NodeStyle, Summary } from '../session/document';
import { holdsMore, mergeDocument, mergeLink, mergeNode, mergeSummary, originalsOf } from './original-fields';

interface NodeMetadata {
  /** The id of the document's node this one was drawn from (a copy keeps its original's). */
  from?: string;
}

/** mind-elixir's style keys; fontStyle is not in its type but it copies every key onto the element. */
type ElixirStyle = NonNullable<NodeObj['style']> & { fontStyle?: string };

export function toElixir(document: MindMapDocument): MindElixirData {
  const convert = (node: MindMapNode): NodeObj => {
    const obj: NodeObj = { id: node.id, topic: node.text, children: node.children.map(convert) };
    if (holdsMore(node)) obj.metadata = { from: node.id } satisfies NodeMetadata;
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
    summaries: (document.summaries ?? []).map((s) => ({ id: s.id, parent: s.parent, start: s.start, end: s.end, label: s.label })),
  };
}

/**
 * `drawn`: the document last put into the editor (toElixir), whose fields mind-elixir does not
 * hold are merged back. A node, cross-link or summary no longer in `data` takes them along.
 */
export function fromElixir(data: MindElixirData, drawn?: MindMapDocument): MindMapDocument {
  const originals = drawn ? originalsOf(drawn) : undefined;
  const ids = new Set<string>();
  const childCounts = new Map<string, number>();
  const convert = (obj: NodeObj): MindMapNode => {
    ids.add(obj.id);
    childCounts.set(obj.id, obj.children?.length ?? 0);
    const node: MindMapNode = { id: obj.id, text: obj.topic, children: (obj.children ?? []).map(convert), ...elixirNodeDetails(obj) };
    if (obj.expanded === false && node.children.length > 0) node.folded = true;
    const from = (obj.metadata as NodeMetadata | undefined)?.from;
    return mergeNode(node, typeof from === 'string' ? originals?.nodes.get(from) : undefined);
  };
  const root = convert(data.nodeData);
  const links: CrossLink[] = (data.arrows ?? [])
    .filter((arrow) => ids.has(arrow.from) && ids.has(arrow.to))
    .map((arrow) => mergeLink({ id: arrow.id, from: arrow.from, to: arrow.to, label: arrow.label ?? '', ...(arrow.bidirectional ? { bidirectional: true } : {}) }, originals?.links.get(arrow.id)));
  const summaries: Summary[] = (data.summaries ?? [])
    .filter((s) => s.end < (childCounts.get(s.parent) ?? 0))
    .map((s) => mergeSummary({ id: s.id, parent: s.parent, start: s.start, end: s.end, label: s.label ?? '' }, originals?.summaries.get(s.id)));
  return mergeDocument({ root, links, summaries }, originals?.document);
}

/** The details a node shows in mind-elixir (its folded state aside): what the details form edits. */
export function elixirNodeDetails(obj: NodeObj): NodeDetails {
  const details: NodeDetails = {};
  if (obj.note) details.note = obj.note;
  if (obj.hyperLink) details.link = obj.hyperLink;
  const style = fromElixirStyle(obj.style as ElixirStyle | undefined);
  if (style) details.style = style;
  const tags = (obj.tags ?? []).map((tag) => (typeof tag === 'string' ? tag : tag.text)).filter(Boolean);
  if (tags.length) details.tags = tags;
  if (obj.icons?.length) details.icons = [...obj.icons];
  return details;
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
