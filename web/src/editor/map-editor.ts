import type { MindMapDocument } from '../session/document';

/**
 * The editing surface the pages use. One adapter (mind-elixir-editor.ts) implements it; a
 * different editor replaces that file only. Documents go in and out whole: the editor never
 * sees a key, an id the server knows, or anything but the plaintext tree.
 */
export interface MapEditor {
  /** The tree as it is now (a fresh copy). */
  document(): MindMapDocument;
  /** Replaces the whole tree (a conflict resolved, a version restored); clears undo. */
  load(document: MindMapDocument): void;
  /** Called after every edit the person makes (not after load). */
  onChange(listener: () => void): () => void;
  /** Gives the keyboard to the map, with the root selected. */
  focus(): void;
  exportSvg(): Blob;
  exportPng(): Promise<Blob>;
  destroy(): void;
}

export interface EditorOptions {
  readonly: boolean;
}
