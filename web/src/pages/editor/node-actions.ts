import type { EditorCommand, SelectedNode } from '../../editor/map-editor';

/** What the page can do to the selected node, beyond the editor's own commands. */
export type NodeAction = EditorCommand | 'details' | 'linkTo';

export interface NodeActionSpec {
  action: NodeAction;
  label: string;
  /** The key that does the same in the map, shown beside the label. */
  keys?: string;
  /** False: not offered for this node (the root cannot be removed, a leaf has nothing to fold). */
  offered: (node: SelectedNode) => boolean;
}

const notRoot = (node: SelectedNode) => !node.isRoot;

/**
 * The map's own menu: only actions whose result the document keeps (docs/crypto.md §6), named
 * in the app's words, with the keys of the hint line.
 */
export const NODE_ACTIONS: readonly NodeActionSpec[] = [
  { action: 'addChild', label: 'Add child', keys: 'Tab', offered: () => true },
  { action: 'addSibling', label: 'Add sibling', keys: 'Enter', offered: notRoot },
  { action: 'edit', label: 'Edit text', keys: 'F2', offered: () => true },
  { action: 'details', label: 'Note, link, colours, tags…', offered: () => true },
  { action: 'linkTo', label: 'Link to another node…', offered: () => true },
  { action: 'summarize', label: 'Summarize (bracket)', offered: notRoot },
  { action: 'toggleFold', label: 'Fold or unfold', keys: 'Space', offered: (node) => node.hasChildren },
  { action: 'moveUp', label: 'Move up', keys: 'Alt+↑', offered: notRoot },
  { action: 'moveDown', label: 'Move down', keys: 'Alt+↓', offered: notRoot },
  { action: 'remove', label: 'Remove', keys: 'Delete', offered: notRoot },
];
