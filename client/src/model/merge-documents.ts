/**
 * Three-way merge of map documents by node id (crypto.md §6, "Merging"). Pure and deterministic:
 * the same three documents always give the same result, whatever the machine or the time.
 */
import { InvalidInputError } from '../crypto/errors.js';
import { type MindMapDocument, type MindMapNode, parseDocument } from './mind-map-document.js';

/**
 * A node field (`text`, `position`, `note`, `style`, … any field but `id` and `children`, unknown
 * ones too), `parent` (where it sits), `deleted`, or a document-level list (`links`, `summaries`)
 * whose item `nodeId` names.
 */
export type MergeField = string;

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

/** One node flattened: where it sits and every other field it has (text, position, note, …). */
interface Flat {
  id: string;
  parent: string | null;
  fields: Record<string, unknown>;
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
 * - each field (text, position, note, style, …, and parent) changed on one side takes that side's
 *   value; changed the same way on both, that value; changed differently, mine, and a conflict
 *   with both values; a field one side does not know is carried through like any other;
 * - document-level lists of items with ids (`links`, `summaries`) merge the same way by item id;
 *   an item left pointing at a node that is gone is dropped, as a reader would;
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
    const fields: Record<string, unknown> = {};
    for (const key of fieldNames(mn!.fields, tn!.fields, bn?.fields)) {
      const value = pick(id, key, bn ? { value: bn.fields[key] } : undefined, mn!.fields[key], tn!.fields[key], conflicts);
      if (value !== undefined) fields[key] = value;
    }
    const parent = pick(id, 'parent', bn ? { value: bn.parent } : undefined, mn!.parent, tn!.parent, conflicts) as string | null;
    if (parent !== mn!.parent) parentFromTheirs.add(id);
    merged.set(id, { id, parent, fields });
  }

  resurrectAncestors(merged, conflicts, m, t, b, parentFromTheirs);
  breakCycles(merged, m, parentFromTheirs, rootId);
  const root = build(rootId, merged, m, t, b);
  const document: MindMapDocument = { version: 1, root, ...mergeDocumentLists(base, mine, theirs, conflicts) };
  // Cross-links and summaries left pointing at a node that is gone are dropped, as parseDocument
  // drops them on reading (a removed node takes what pointed at it along).
  return { document: parseDocument(document), conflicts: conflicts.sort(byNodeAndField) };
}

/** The document's own fields beside `version` and `root`: lists of items with ids merge by id, anything else as one value. */
function mergeDocumentLists(base: MindMapDocument, mine: MindMapDocument, theirs: MindMapDocument, conflicts: NodeConflict[]): Record<string, unknown> {
  const [b, m, t] = [base, mine, theirs].map((d) => d as unknown as Record<string, unknown>) as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
  const out: Record<string, unknown> = {};
  for (const key of fieldNames(m, t, b)) {
    if (key === 'version' || key === 'root') continue;
    const lists = [b[key], m[key], t[key]];
    const value = lists.every((l) => l === undefined || (Array.isArray(l) && l.every(hasId)))
      ? mergeById(key, (b[key] ?? []) as Item[], (m[key] ?? []) as Item[], (t[key] ?? []) as Item[], conflicts)
      : pick('document', key, { value: b[key] }, m[key], t[key], conflicts);
    if (value !== undefined && !(Array.isArray(value) && value.length === 0 && m[key] === undefined && t[key] === undefined)) out[key] = value;
  }
  return out;
}

type Item = { id: string } & Record<string, unknown>;

function hasId(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

/** Three-way by item id, each item as one value; mine's order, then theirs' new items. */
function mergeById(field: string, base: Item[], mine: Item[], theirs: Item[], conflicts: NodeConflict[]): Item[] {
  const [b, m, t] = [base, mine, theirs].map((l) => new Map(l.map((i) => [i.id, i])));
  const out: Item[] = [];
  for (const id of new Set([...m!.keys(), ...t!.keys()])) {
    const [bi, mi, ti] = [b!.get(id), m!.get(id), t!.get(id)];
    if (!mi || !ti) {
      const survivor = (mi ?? ti)!;
      // Deleted on one side and untouched on the other: gone. Added on one side: kept.
      if (bi && same(survivor, bi)) continue;
      if (bi) conflicts.push({ nodeId: id, field: `${field}.deleted`, base: false, mine: !mi, theirs: !ti });
      out.push(survivor);
      continue;
    }
    out.push(pick(id, field, bi ? { value: bi } : undefined, mi, ti, conflicts) as Item);
  }
  return out;
}

function flatten(doc: MindMapDocument): Side {
  const nodes = new Map<string, Flat>();
  const children = new Map<string, string[]>();
  const stack: { node: MindMapNode; parent: string | null }[] = [{ node: doc.root, parent: null }];
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    const { id: _id, children: _children, ...fields } = node;
    nodes.set(node.id, { id: node.id, parent, fields });
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
  return a.parent === b.parent && fieldNames(a.fields, b.fields).every((key) => same(a.fields[key], b.fields[key]));
}

/** Every key of the records, in first-seen order (mine's first): the merged node's field order. */
function fieldNames(...records: (Record<string, unknown> | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const record of records) if (record) for (const key of Object.keys(record)) keys.add(key);
  return [...keys];
}

/** The same tree, whatever the order of each object's keys. */
export function sameDocument(a: MindMapDocument, b: MindMapDocument): boolean {
  return same(a, b);
}

/** Structural equality of JSON values, whatever their key order; undefined is "absent". */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Only two objects (or arrays) can be equal without being identical.
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value === undefined) return '~';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The three-way rule for one field (`base` absent: added on both sides, so any difference
 * conflicts). Returns the value to keep; a conflict keeps mine and records both.
 */
function pick(nodeId: string, field: string, base: { value: unknown } | undefined, mine: unknown, theirs: unknown, conflicts: NodeConflict[]): unknown {
  if (same(mine, theirs)) return mine;
  if (base !== undefined) {
    if (same(mine, base.value)) return theirs;
    if (same(theirs, base.value)) return mine;
  }
  conflicts.push({ nodeId, field, base: base?.value ?? null, mine: mine ?? null, theirs: theirs ?? null });
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
  const toNode = (flat: Flat): MindMapNode => ({ id: flat.id, ...structuredClone(flat.fields), children: [] }) as unknown as MindMapNode;
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
  const [inBase, inMine] = [new Set(base), new Set(mine)];
  const mineKeptOrder = sameSequence(mine.filter((id) => inBase.has(id)), base.filter((id) => inMine.has(id)));
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
