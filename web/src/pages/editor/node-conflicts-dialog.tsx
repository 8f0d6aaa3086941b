import { useState } from 'preact/hooks';
import { type MindMapDocument, type MindMapNode, type NodeConflict, resolveConflicts } from '../../session/document';
import { Dialog } from '../../ui/dialog';

export type NodeChoice = 'both' | 'mine' | 'theirs';

/** The conflicts of one node (or one cross-link, summary, …), as the dialog lists them. */
interface ConflictGroup {
  id: string;
  label: string;
  conflicts: NodeConflict[];
  /** Both texts can be kept side by side: the choice that loses nothing. */
  canKeepBoth: boolean;
}

/**
 * The same part of the map changed here and on another device, differently: each such node is
 * listed with both values and settled on its own; everything else is already merged. The choice
 * that loses nothing (both texts kept, else mine, with theirs left in the history) is preselected
 * and has the focus, so a reflex Enter drops nothing.
 */
export function NodeConflictsDialog({ conflicts, merged, onSettle }: { conflicts: NodeConflict[]; merged: MindMapDocument; onSettle: (settled: MindMapDocument) => void }) {
  const groups = groupConflicts(conflicts, merged);
  const [choices, setChoices] = useState<Record<string, NodeChoice>>(() => Object.fromEntries(groups.map((g) => [g.id, g.canKeepBoth ? 'both' : 'mine'])));
  const apply = (event: Event) => {
    event.preventDefault();
    onSettle(settleConflicts(merged, conflicts, (id) => choices[id] ?? 'mine'));
  };
  return (
    <Dialog title="Changed here and on another device" onClose={() => undefined}>
      <p>Everything else is merged. {groups.length === 1 ? 'One part' : `${groups.length} parts`} of the map changed both here and on another device: choose what to keep.</p>
      <form onSubmit={apply} class="node-conflicts">
        {groups.map((group, i) => (
          <fieldset key={group.id} aria-label={`Conflict: ${group.label}`}>
            <legend>{group.label}</legend>
            <dl>
              {group.conflicts.map((c) => (
                <div key={c.field}>
                  <dt>{fieldName(c.field)}</dt>
                  <dd>Here: <strong>{describeValue(c.field, c.mine)}</strong></dd>
                  <dd>Other device: <strong>{describeValue(c.field, c.theirs)}</strong></dd>
                </div>
              ))}
            </dl>
            {(group.canKeepBoth ? (['both', 'mine', 'theirs'] as const) : (['mine', 'theirs'] as const)).map((choice, j) => (
              <label key={choice}>
                <input
                  type="radio"
                  name={`choice-${group.id}`}
                  value={choice}
                  checked={choices[group.id] === choice}
                  autoFocus={i === 0 && j === 0}
                  onChange={() => setChoices({ ...choices, [group.id]: choice })}
                />
                {choice === 'both' ? 'Keep both texts' : choice === 'mine' ? 'Keep mine' : 'Keep theirs'}
              </label>
            ))}
          </fieldset>
        ))}
        <div class="actions">
          <button type="submit" class="primary">Apply</button>
        </div>
      </form>
    </Dialog>
  );
}

/** Mine, theirs, or (texts only) both joined: the settled tree. */
export function settleConflicts(merged: MindMapDocument, conflicts: readonly NodeConflict[], choice: (id: string) => NodeChoice): MindMapDocument {
  const settled = resolveConflicts(merged, conflicts, (c) => (choice(c.nodeId) === 'theirs' ? 'theirs' : 'mine'));
  const both = conflicts.filter((c) => c.field === 'text' && choice(c.nodeId) === 'both' && typeof c.mine === 'string' && typeof c.theirs === 'string');
  if (both.length === 0) return settled;
  const byId = indexNodes(settled.root);
  for (const c of both) {
    const node = byId.get(c.nodeId);
    if (node) node.text = `${c.mine as string} / ${c.theirs as string}`;
  }
  return settled;
}

function groupConflicts(conflicts: NodeConflict[], merged: MindMapDocument): ConflictGroup[] {
  const nodes = indexNodes(merged.root);
  const groups = new Map<string, ConflictGroup>();
  for (const c of conflicts) {
    const node = nodes.get(c.nodeId);
    const list = c.field.split('.')[0]!;
    const label = node ? `“${node.text}”` : list === 'links' ? 'A cross-link' : list === 'summaries' ? 'A summary' : 'The map';
    const group = groups.get(c.nodeId) ?? { id: c.nodeId, label, conflicts: [], canKeepBoth: false };
    group.conflicts.push(c);
    groups.set(c.nodeId, group);
  }
  for (const group of groups.values()) group.canKeepBoth = group.conflicts.length === 1 && group.conflicts[0]!.field === 'text';
  return [...groups.values()];
}

function indexNodes(root: MindMapNode): Map<string, MindMapNode> {
  const out = new Map<string, MindMapNode>();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.set(node.id, node);
    stack.push(...node.children);
  }
  return out;
}

function fieldName(field: string): string {
  const names: Record<string, string> = { text: 'Text', note: 'Note', deleted: 'Removed?', parent: 'Place in the map', position: 'Position', style: 'Style', tags: 'Tags', icons: 'Icons', link: 'Link', folded: 'Folded' };
  return names[field] ?? (field.endsWith('.deleted') ? 'Removed?' : field);
}

function describeValue(field: string, value: unknown): string {
  if (field === 'deleted' || field.endsWith('.deleted')) return value === true ? 'removed' : 'kept';
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
