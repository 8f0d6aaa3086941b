/**
 * Three-way merge of map documents by node id (crypto.md §6, "Merging"). Pure and deterministic:
 * the same three documents always give the same result, whatever the machine or the time.
 */
import { InvalidInputError } from '../crypto/errors.js';
import type { MindMapDocument, MindMapNode } from './mind-map-document.js';

export type MergeField = 'text' | 'position' | 'parent' | 'deleted';

/**
 * The same field of one node changed differently on both sides. `mine` is what the merged
 * document holds; `theirs` is what the other side wanted. For `deleted`, one side removed the node
 * while the other changed it (or kept something under it): the node is kept, and the value of a
 * side is `true` when that side deleted it.
 */
export interface NodeConflict {
  nodeId: string;
  field: MergeField;
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

export interface MergeResult {
  document: MindMapDocument;
  conflicts: NodeConflict[];
}

/** One node's fields, flattened: where it sits (parent, index among siblings) and what it says. */
interface Flat {
  id: string;
  text: string;
  position?: { x: number; y: number };
  parent: string | null;
}

interface Side {
  nodes: Map<string, Flat>;
  children: Map<string, string[]>;
}

/**
 * Merges `mine` and `theirs`, two edits of `base`:
 * - a node added on either side is kept; one deleted on a side is deleted unless the other side
 *   changed it (its text, position or parent) or kept something new under it, in which case it is
 *   kept and reported (`deleted`);
 * - each field (text, position, parent) changed on one side takes that side's value; changed the
 *   same way on both, that value; changed differently, mine, and a conflict with both values;
 * - siblings keep the order of the side that reordered them (mine when both did), with the other
 *   side's new or moved-in nodes placed after the sibling they follow there;
 * - two moves that together would make a cycle keep mine.
 * Throws InvalidInputError when the three documents do not share their root node.
 */
export function mergeDocuments(base: MindMapDocument, mine: MindMapDocument, theirs: MindMapDocument): MergeResult {
  const rootId = base.root.id;
  if (mine.root.id !== rootId || theirs.root.id !== rootId) throw new InvalidInputError('mergeDocuments: the three documents have different roots');
  const b = flatten(base);
  const m = flatten(mine);
  const t = flatten(theirs);
  const conflicts: NodeConflict[] = [];
  const merged = new Map<string, Flat>();
  /** Where each merged node's parent came from, to undo a move from theirs that closes a cycle. */
  const parentFromTheirs = new Set<string>();

  for (const id of orderedIds(m, t, b)) {
    const bn = b.nodes.get(id);
    const mn = m.nodes.get(id);
    const tn = t.nodes.get(id);
    if (!mn && !tn) continue;
    if (!bn && (!mn || !tn)) {
      // Added on one side: taken as it is.
      merged.set(id, { ...(mn ?? tn)! });
      if (!mn) parentFromTheirs.add(id);
      continue;
    }
    if (bn && (!mn || !tn)) {
      const survivor = (mn ?? tn)!;
      // Deleted on one side: gone, unless the side that kept it changed it.
      if (sameFields(survivor, bn)) continue;
      conflicts.push({ nodeId: id, field: 'deleted', base: false, mine: !mn, theirs: !tn });
      merged.set(id, { ...survivor });
      if (!mn) parentFromTheirs.add(id);
      continue;
    }
    const node: Flat = { id, text: '', parent: null };
    node.text = pick(id, 'text', bn?.text, mn!.text, tn!.text, conflicts, (x, y) => x === y);
    const position = pick(id, 'position', bn?.position, mn!.position, tn!.position, conflicts, samePosition);
    if (position) node.position = { ...position };
    node.parent = pick(id, 'parent', bn?.parent, mn!.parent, tn!.parent, conflicts, (x, y) => x === y);
    if (node.parent !== mn!.parent) parentFromTheirs.add(id);
    merged.set(id, node);
  }

  resurrectAncestors(merged, conflicts, m, t, b, parentFromTheirs);
  breakCycles(merged, m, parentFromTheirs, rootId);
  return { document: { version: 1, root: build(rootId, merged, m, t, b) }, conflicts: conflicts.sort(byNodeAndField) };
}

function flatten(doc: MindMapDocument): Side {
  const nodes = new Map<string, Flat>();
  const children = new Map<string, string[]>();
  const stack: { node: MindMapNode; parent: string | null }[] = [{ node: doc.root, parent: null }];
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    nodes.set(node.id, { id: node.id, text: node.text, ...(node.position ? { position: node.position } : {}), parent });
    children.set(node.id, node.children.map((c) => c.id));
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, parent: node.id });
  }
  return { nodes, children };
}

/** Every id of the three, in one fixed order (mine's, then theirs' new ones, then base's), so conflicts come out the same way each time. */
function orderedIds(...sides: Side[]): string[] {
  const ids = new Set<string>();
  for (const side of sides) for (const id of side.nodes.keys()) ids.add(id);
  return [...ids];
}

function sameFields(a: Flat, b: Flat): boolean {
  return a.text === b.text && a.parent === b.parent && samePosition(a.position, b.position);
}

function samePosition(a: Flat['position'], b: Flat['position']): boolean {
  return a === b || (a !== undefined && b !== undefined && a.x === b.x && a.y === b.y);
}

/** The three-way rule for one field; without a base (added on both sides) any difference conflicts. */
function pick<T>(nodeId: string, field: MergeField, base: T | undefined, mine: T, theirs: T, conflicts: NodeConflict[], same: (a: T, b: T) => boolean): T {
  if (same(mine, theirs)) return mine;
  if (base !== undefined || field === 'position') {
    if (same(mine, base as T)) return theirs;
    if (same(theirs, base as T)) return mine;
  }
  conflicts.push({ nodeId, field, base: base ?? null, mine: mine ?? null, theirs: theirs ?? null });
  return mine;
}

/**
 * A kept node whose parent was deleted on one side brings that parent back (the deleting side
 * did not know of what is now under it), reported as a `deleted` conflict on the parent.
 */
function resurrectAncestors(merged: Map<string, Flat>, conflicts: NodeConflict[], m: Side, t: Side, b: Side, fromTheirs: Set<string>): void {
  for (const node of [...merged.values()]) {
    let current = node;
    while (current.parent !== null && !merged.has(current.parent)) {
      const id = current.parent;
      const source = m.nodes.get(id) ?? t.nodes.get(id) ?? b.nodes.get(id);
      if (!source) throw new InvalidInputError(`mergeDocuments: node ${id} is nobody's`);
      const restored = { ...source };
      merged.set(id, restored);
      if (!m.nodes.has(id)) fromTheirs.add(id);
      conflicts.push({ nodeId: id, field: 'deleted', base: false, mine: !m.nodes.has(id), theirs: !t.nodes.has(id) });
      current = restored;
    }
  }
}

/**
 * Mine is a tree and theirs is a tree, but a move from each can together close a loop (A under B
 * on one side, B under A on the other). Each loop is broken by giving one of its nodes that
 * followed theirs its parent in mine; each step removes one of theirs' moves, so it ends.
 */
function breakCycles(merged: Map<string, Flat>, m: Side, fromTheirs: Set<string>, rootId: string): void {
  for (const start of [...merged.keys()]) {
    for (;;) {
      const seen = new Set<string>();
      let id: string | null = start;
      while (id !== null && id !== rootId && !seen.has(id)) {
        seen.add(id);
        id = merged.get(id)?.parent ?? null;
      }
      if (id === null || id === rootId) break;
      // `id` is on a loop: walk it and undo the first of theirs' moves found there.
      const loop: string[] = [];
      let at: string = id;
      do {
        loop.push(at);
        at = merged.get(at)!.parent!;
      } while (at !== id);
      const culprit = loop.find((n) => fromTheirs.has(n) && m.nodes.has(n));
      if (culprit) {
        merged.get(culprit)!.parent = m.nodes.get(culprit)!.parent;
        fromTheirs.delete(culprit);
      } else {
        // Only a node brought back from base can close a loop without one of theirs' moves: it
        // goes under the root rather than nowhere.
        merged.get(loop[0]!)!.parent = rootId;
      }
    }
  }
}

/** Children of each merged node, in sibling order, then the tree. Iterative: depth is bounded by the documents', not the stack. */
function build(rootId: string, merged: Map<string, Flat>, m: Side, t: Side, b: Side): MindMapNode {
  const childrenOf = new Map<string, Set<string>>();
  for (const node of merged.values()) {
    if (node.parent === null) continue;
    const set = childrenOf.get(node.parent) ?? new Set<string>();
    set.add(node.id);
    childrenOf.set(node.parent, set);
  }
  const toNode = (flat: Flat): MindMapNode => ({ id: flat.id, text: flat.text, children: [], ...(flat.position ? { position: { ...flat.position } } : {}) });
  const root = toNode(merged.get(rootId)!);
  const stack: MindMapNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const ids = siblingOrder(childrenOf.get(node.id) ?? new Set<string>(), m.children.get(node.id) ?? [], t.children.get(node.id) ?? [], b.children.get(node.id) ?? []);
    for (const id of ids) {
      const child = toNode(merged.get(id)!);
      node.children.push(child);
      stack.push(child);
    }
  }
  return root;
}

/**
 * The order of one parent's merged children: the backbone is theirs when mine kept base's order
 * of what they share, else mine; the other side's children are put after the sibling they follow
 * there (first if none); anything else (brought back from base) goes last, in base's order.
 */
function siblingOrder(present: Set<string>, mine: string[], theirs: string[], base: string[]): string[] {
  const mineKeptOrder = sameSequence(mine.filter((id) => base.includes(id)), base.filter((id) => mine.includes(id)));
  const [backbone, other] = mineKeptOrder ? [theirs, mine] : [mine, theirs];
  const order = backbone.filter((id) => present.has(id));
  const placed = new Set(order);
  let after: string | undefined;
  for (const id of other) {
    if (!present.has(id)) continue;
    if (!placed.has(id)) {
      const index = after === undefined ? 0 : order.indexOf(after) + 1;
      order.splice(index, 0, id);
      placed.add(id);
    }
    after = id;
  }
  for (const id of [...base, ...present]) {
    if (present.has(id) && !placed.has(id)) {
      order.push(id);
      placed.add(id);
    }
  }
  return order;
}

function sameSequence(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function byNodeAndField(a: NodeConflict, b: NodeConflict): number {
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
}
