/**
 * What a document held that mind-elixir does not: the fields this app does not know (extensions,
 * docs/crypto.md §6.1) at every place that holds fields, a node's position, and the form in which
 * another writer put a known field (`bold: false`, an empty `note`, `folded` on a leaf). The
 * document put into the editor is kept beside mind-elixir's data, never inside it, and merged back
 * by id on every save: mind-elixir's getData() drops every key named `parent` whose value is not a
 * string, at any depth (its copy drops every one), and it would draw fields named like its own (a
 * node's `image`, a summary's `style`).
 */
import type { CrossLink, MindMapDocument, MindMapNode, NodeDetails, NodeStyle, Summary } from '../session/document';

/**
 * The fields this editor maps onto mind-elixir, per place; any other is an extension. This app's
 * own list, not the SDK's: a field the SDK learns before this editor does must still ride along
 * untouched rather than be dropped as known. A position is kept whole (mind-elixir lays nodes out
 * itself and never changes one), so it needs no list.
 */
const MAPPED = {
  document: new Set(['version', 'root', 'links', 'summaries']),
  node: new Set(['id', 'text', 'children', 'position', 'note', 'link', 'style', 'tags', 'icons', 'folded']),
  style: new Set(['color', 'background', 'bold', 'italic']),
  link: new Set(['id', 'from', 'to', 'label', 'bidirectional']),
  summary: new Set(['id', 'parent', 'start', 'end', 'label']),
} as const;

/** The document last put into the editor, by id. Its objects are shared, never changed. */
export interface Originals {
  readonly document: MindMapDocument;
  readonly nodes: ReadonlyMap<string, MindMapNode>;
  readonly links: ReadonlyMap<string, CrossLink>;
  readonly summaries: ReadonlyMap<string, Summary>;
}

/** Indexed once per document: every save of the editor merges against the same one. */
const indexed = new WeakMap<MindMapDocument, Originals>();

export function originalsOf(document: MindMapDocument): Originals {
  let originals = indexed.get(document);
  if (!originals) {
    const nodes = new Map<string, MindMapNode>();
    const stack = [document.root];
    for (let node = stack.pop(); node; node = stack.pop()) {
      nodes.set(node.id, node);
      for (const child of node.children) stack.push(child);
    }
    originals = {
      document,
      nodes,
      links: new Map((document.links ?? []).map((link) => [link.id, link])),
      summaries: new Map((document.summaries ?? []).map((summary) => [summary.id, summary])),
    };
    indexed.set(document, originals);
  }
  return originals;
}

/** True when the node holds anything beside its id, text and children: something to merge back. */
export function holdsMore(node: MindMapNode): boolean {
  return Object.keys(node).some((key) => key !== 'id' && key !== 'text' && key !== 'children');
}

/** Object.fromEntries defines the keys, so an extension named `__proto__` stays a plain field. */
function extensionsOf(value: object | undefined, mapped: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([key]) => !mapped.has(key)));
}

/**
 * A known field as the editor holds it now, or as it was written when the two mean the same, so
 * that a save changes only what the person changed.
 */
function kept<T>(written: T | undefined, now: T | undefined, meaning: (value: T | undefined) => unknown): T | undefined {
  return JSON.stringify(meaning(written) ?? null) === JSON.stringify(meaning(now) ?? null) ? written : now;
}

const text = (value: string | undefined) => value || undefined;
const list = (value: string[] | undefined) => (value?.length ? value : undefined);
const flag = (value: boolean | undefined) => value === true;

/** `now`: the node as mind-elixir holds it (known fields only); `original`: as it was read. */
export function mergeNode(now: MindMapNode, original: MindMapNode | undefined): MindMapNode {
  if (!original) return now;
  const node: MindMapNode = { ...extensionsOf(original, MAPPED.node), id: now.id, text: now.text, children: now.children };
  if (original.position) node.position = original.position;
  const hasChildren = now.children.length > 0;
  const details: NodeDetails = {
    note: kept(original.note, now.note, text),
    link: kept(original.link, now.link, text),
    style: mergeStyle(now.style, original.style),
    tags: kept(original.tags, now.tags, list),
    icons: kept(original.icons, now.icons, list),
    // Folded means something only over children: on a leaf it is kept as written.
    folded: kept(original.folded, now.folded, (value) => value === true && hasChildren),
  };
  return Object.assign(node, Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined)));
}

function mergeStyle(now: NodeStyle | undefined, original: NodeStyle | undefined): NodeStyle | undefined {
  if (!original) return now;
  const style: NodeStyle = extensionsOf(original, MAPPED.style);
  const color = kept(original.color, now?.color, text);
  const background = kept(original.background, now?.background, text);
  const bold = kept(original.bold, now?.bold, flag);
  const italic = kept(original.italic, now?.italic, flag);
  if (color !== undefined) style.color = color;
  if (background !== undefined) style.background = background;
  if (bold !== undefined) style.bold = bold;
  if (italic !== undefined) style.italic = italic;
  // Nothing left: an empty style as written stays, one the person emptied goes.
  if (Object.keys(style).length === 0) return Object.keys(original).length === 0 ? original : undefined;
  return style;
}

export function mergeLink(now: CrossLink, original: CrossLink | undefined): CrossLink {
  if (!original) return now;
  const link: CrossLink = { ...extensionsOf(original, MAPPED.link), id: now.id, from: now.from, to: now.to, label: now.label };
  const bidirectional = kept(original.bidirectional, now.bidirectional, flag);
  if (bidirectional !== undefined) link.bidirectional = bidirectional;
  return link;
}

export function mergeSummary(now: Summary, original: Summary | undefined): Summary {
  return original ? { ...extensionsOf(original, MAPPED.summary), ...now } : now;
}

/** The document's own extensions, and its lists: none left is written as the read one was (absent or []). */
export function mergeDocument(now: { root: MindMapNode; links: CrossLink[]; summaries: Summary[] }, original: MindMapDocument | undefined): MindMapDocument {
  const document: MindMapDocument = { ...extensionsOf(original, MAPPED.document), version: 1, root: now.root };
  const links = now.links.length > 0 ? now.links : original?.links?.length === 0 ? original.links : undefined;
  const summaries = now.summaries.length > 0 ? now.summaries : original?.summaries?.length === 0 ? original.summaries : undefined;
  if (links) document.links = links;
  if (summaries) document.summaries = summaries;
  return document;
}
