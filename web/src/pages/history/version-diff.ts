import type { MindMapDocument, MindMapNode } from '../../session/document';

/**
 * What changed between two versions of a map, computed here in the browser from the two
 * decrypted trees (the server never sees either). Nodes are matched by id, which every edit keeps:
 * - added: in `after` only; removed: in `before` only (a removed branch lists every node of it);
 * - renamed: the same node with another text;
 * - moved: the same node under another parent, or reordered among the siblings both versions
 *   share (the fewest nodes whose moving explains the new order: those off a longest run that
 *   kept its order);
 * - detailsChanged: the same node with another note, link, style, tags, icons or fold.
 * A node is listed once per kind, in the order of `after` (removed ones in the order of `before`).
 */
export interface VersionDiff {
  added: DiffNode[];
  removed: DiffNode[];
  renamed: RenamedNode[];
  moved: MovedNode[];
  detailsChanged: DiffNode[];
}

export interface DiffNode {
  id: string;
  text: string;
}

export interface RenamedNode {
  id: string;
  from: string;
  to: string;
}

export interface MovedNode {
  id: string;
  text: string;
  /** The parent's text before and after; equal when the node was reordered among its siblings. */
  fromParent: string;
  toParent: string;
}

interface Placed {
  node: MindMapNode;
  parentId: string | null;
}

/** Every node by id, with its parent, in depth-first order. Iterative: deep trees are fine. */
function index(document: MindMapDocument): Map<string, Placed> {
  const nodes = new Map<string, Placed>();
  const stack: Placed[] = [{ node: document.root, parentId: null }];
  while (stack.length > 0) {
    const placed = stack.pop()!;
    nodes.set(placed.node.id, placed);
    for (let i = placed.node.children.length - 1; i >= 0; i--) stack.push({ node: placed.node.children[i]!, parentId: placed.node.id });
  }
  return nodes;
}

const DETAIL_FIELDS = ['note', 'link', 'style', 'tags', 'icons', 'folded'] as const;

function sameDetails(a: MindMapNode, b: MindMapNode): boolean {
  return DETAIL_FIELDS.every((field) => JSON.stringify(a[field] ?? null) === JSON.stringify(b[field] ?? null));
}

/** Indices (into `values`) of one longest strictly increasing subsequence. O(n log n). */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous: number[] = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < values[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const kept = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i !== -1; i = previous[i]!) kept.add(i);
  return kept;
}

export function diffDocuments(before: MindMapDocument, after: MindMapDocument): VersionDiff {
  const old = index(before);
  const now = index(after);
  const textOf = (nodes: Map<string, Placed>, id: string | null) => (id === null ? '' : (nodes.get(id)?.node.text ?? ''));
  const diff: VersionDiff = { added: [], removed: [], renamed: [], moved: [], detailsChanged: [] };

  // Reordered among siblings both versions share, under the same parent.
  const reordered = new Set<string>();
  for (const [id, { node }] of now) {
    const was = old.get(id);
    if (!was) continue;
    const shared = node.children.filter((c) => old.get(c.id)?.parentId === id);
    if (shared.length < 2) continue;
    const oldPosition = new Map(was.node.children.map((c, i) => [c.id, i]));
    const positions = shared.map((c) => oldPosition.get(c.id)!);
    const inOrder = longestIncreasing(positions);
    shared.forEach((c, i) => {
      if (!inOrder.has(i)) reordered.add(c.id);
    });
  }

  for (const [id, { node, parentId }] of now) {
    const was = old.get(id);
    if (!was) {
      diff.added.push({ id, text: node.text });
      continue;
    }
    if (was.node.text !== node.text) diff.renamed.push({ id, from: was.node.text, to: node.text });
    if (was.parentId !== parentId || reordered.has(id)) {
      diff.moved.push({ id, text: node.text, fromParent: textOf(old, was.parentId), toParent: textOf(now, parentId) });
    }
    if (!sameDetails(was.node, node)) diff.detailsChanged.push({ id, text: node.text });
  }
  for (const [id, { node }] of old) if (!now.has(id)) diff.removed.push({ id, text: node.text });
  return diff;
}

/** True when the two versions hold the same tree (as far as the summary tells). */
export function isUnchanged(diff: VersionDiff): boolean {
  return diff.added.length + diff.removed.length + diff.renamed.length + diff.moved.length + diff.detailsChanged.length === 0;
}

/** "3 nodes added, 1 removed, 2 renamed" — the summary line; "No changes" when there are none. */
export function summarizeDiff(diff: VersionDiff): string {
  const parts: string[] = [];
  const count = (n: number, what: string) => {
    if (n > 0) parts.push(`${n} ${what}`);
  };
  count(diff.added.length, 'added');
  count(diff.removed.length, 'removed');
  count(diff.moved.length, 'moved');
  count(diff.renamed.length, 'renamed');
  count(diff.detailsChanged.length, 'with other details');
  if (parts.length === 0) return 'No changes';
  const total = diff.added.length + diff.removed.length + diff.moved.length + diff.renamed.length + diff.detailsChanged.length;
  return `${total === 1 ? '1 change' : `${total} changes`}: ${parts.join(', ')}`;
}
