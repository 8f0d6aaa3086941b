import type { MindMapDocument, NodeDetails } from '../session/document';

/** The node the person has selected, as the page's panels show it. */
export interface SelectedNode {
  id: string;
  text: string;
  details: NodeDetails;
  isRoot: boolean;
  hasChildren: boolean;
}

/** What the page's buttons, menus and keys ask the map to do to the selection. */
export type EditorCommand =
  | 'addChild'
  | 'addSibling'
  | 'edit'
  | 'remove'
  | 'moveUp'
  | 'moveDown'
  | 'toggleFold'
  | 'summarize'
  | 'undo'
  | 'redo';

/**
 * The editing surface the pages use. One adapter (mind-elixir-editor.ts) implements it; a
 * different editor replaces that file only. Documents go in and out whole: the editor never
 * sees a key, an id the server knows, or anything but the plaintext tree.
 */
export interface MapEditor {
  /** The tree as it is now (a fresh copy). */
  document(): MindMapDocument;
  /**
   * Replaces the whole tree (a version restored, theirs chosen over mine); clears undo. The
   * selection (when its node is still there) and the view are kept.
   */
  load(document: MindMapDocument): void;
  /**
   * Puts in a tree from outside that carries the person's edits (a merge with another device's
   * save): selection and view are kept, and so is undo, each of whose trees `rebase` turns into
   * the same tree with the other device's changes, so undo takes back the person's own edits only.
   */
  replace(document: MindMapDocument, rebase: (older: MindMapDocument) => MindMapDocument): void;
  /** True while the person is typing a node's text (a tree put in now would drop what is typed). */
  busy(): boolean;
  /** Called after every edit the person makes (not after load). */
  onChange(listener: () => void): () => void;
  /** Called when the selection changes (null: nothing selected). */
  onSelect(listener: (node: SelectedNode | null) => void): () => void;
  /**
   * Called after nodes were removed (Delete, the menu, the on-screen button): the removed nodes'
   * texts and how many nodes went in all, their descendants counted, so the page can name what
   * went and offer to undo it.
   */
  onRemove(listener: (removed: { texts: string[]; count: number }) => void): () => void;
  /** Called when the person asks for the map's menu (right click, long press, Shift+F10). */
  onMenu(listener: (at: { x: number; y: number }) => void): () => void;
  selected(): SelectedNode | null;
  /** The root node: its text is the map's title. */
  root(): { id: string; text: string };
  /** Selects a node (unfolding what hides it) and brings it into view. */
  select(id: string): void;
  run(command: EditorCommand): void;
  /** Replaces the details of a node; an empty field removes it. */
  setDetails(id: string, details: NodeDetails): void;
  setText(id: string, text: string): void;
  /** Draws a cross-link from one node to another. */
  link(from: string, to: string): void;
  /** Highlights these nodes (search matches); an empty list clears it. */
  highlight(ids: readonly string[]): void;
  fit(): void;
  zoom(step: 1 | -1): void;
  /** Gives the keyboard to the map, with the root selected. */
  focus(): void;
  exportSvg(): Blob;
  exportPng(): Promise<Blob>;
  destroy(): void;
}

export interface EditorOptions {
  readonly: boolean;
}
