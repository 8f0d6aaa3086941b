/**
 * Settles the conflicts a merge reported, one by one: a merged document holds mine's value for
 * each (mergeDocuments), and every conflict chosen `theirs` is turned to the other side's value
 * here. Pure; the answer is a valid document (parseDocument), whatever was chosen.
 */
import type { NodeConflict } from './merge-documents.js';
import { type MindMapDocument, type MindMapNode, parseDocument } from './mind-map-document.js';

export type ConflictSide = 'mine' | 'theirs';

const DOCUMENT_LISTS = new Set(['links', 'summaries']);

export function resolveConflicts(merged: MindMapDocument, conflicts: readonly NodeConflict[], choose: (conflict: NodeConflict) => ConflictSide): MindMapDocument {
  const doc = structuredClone(merged) as MindMapDocument & Record<string, unknown>;
  const index = () => {
    const nodes = new Map<string, { node: MindMapNode; parent: MindMapNode | null }>();
    const stack: { node: MindMapNode; parent: MindMapNode | null }[] = [{ node: doc.root, parent: null }];
    while (stack.length > 0) {
      const entry = stack.pop()!;
      nodes.set(entry.node.id, entry);
      for (const child of entry.node.children) stack.push({ node: child, parent: entry.node });
    }
    return nodes;
  };
  for (const conflict of conflicts) {
    if (choose(conflict) !== 'theirs') continue;
    const { nodeId, field, theirs } = conflict;
    const [list, sub] = field.split('.') as [string, string | undefined];
    if (DOCUMENT_LISTS.has(list)) {
      const items = ((doc[list] as { id: string }[] | undefined) ?? []).filter((item) => item.id !== nodeId);
      if (!(sub === 'deleted' && theirs === true)) {
        const kept = sub === 'deleted' ? ((doc[list] as { id: string }[] | undefined) ?? []).find((i) => i.id === nodeId) : (theirs as { id: string } | null);
        if (kept) items.push(kept);
      }
      doc[list] = items;
      continue;
    }
    if (nodeId === 'document') {
      if (theirs === null) delete doc[field];
      else doc[field] = structuredClone(theirs);
      continue;
    }
    const nodes = index();
    const entry = nodes.get(nodeId);
    if (!entry) continue;
    if (field === 'deleted') {
      // Theirs removed it (and what was under it); mine's side kept it.
      if (theirs === true && entry.parent) entry.parent.children = entry.parent.children.filter((c) => c.id !== nodeId);
    } else if (field === 'parent') {
      const target = typeof theirs === 'string' ? nodes.get(theirs) : undefined;
      if (!target || !entry.parent || isInside(target.node, nodeId, nodes)) continue;
      entry.parent.children = entry.parent.children.filter((c) => c.id !== nodeId);
      target.node.children.push(entry.node);
    } else if (field !== 'id' && field !== 'children') {
      const node = entry.node as unknown as Record<string, unknown>;
      if (theirs === null) delete node[field];
      else node[field] = structuredClone(theirs);
    }
  }
  return parseDocument(doc);
}

/** Is `node` the node `id` or under it? (Moving `id` there would make a loop.) */
function isInside(node: MindMapNode, id: string, nodes: Map<string, { node: MindMapNode; parent: MindMapNode | null }>): boolean {
  let at: MindMapNode | null = node;
  while (at) {
    if (at.id === id) return true;
    at = nodes.get(at.id)?.parent ?? null;
  }
  return false;
}
