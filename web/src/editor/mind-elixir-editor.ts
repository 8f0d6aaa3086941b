/**
 * The one module that knows mind-elixir. Its keyboard map: Tab adds a child, Enter a sibling,
 * F2 (or a double click) edits, Delete removes, Alt+↑/↓ (or PgUp/PgDn) moves among siblings,
 * Ctrl+Z / Ctrl+Y undo and redo, arrows walk the tree; nodes drag with the mouse.
 */
import MindElixir, { type MindElixirData, type NodeObj } from 'mind-elixir';
import 'mind-elixir/style.css';
import type { MindMapDocument, MindMapNode } from '../session/document';
import type { EditorOptions, MapEditor } from './map-editor';
import { renderSvg, svgToPng } from './svg-export';

export function createMindElixirEditor(el: HTMLElement, initial: MindMapDocument, options: EditorOptions): MapEditor {
  const mind = new MindElixir({
    el,
    direction: MindElixir.SIDE,
    editable: !options.readonly,
    contextMenu: !options.readonly,
    toolBar: true,
    keypress: !options.readonly,
    allowUndo: !options.readonly,
    newTopicName: 'New idea',
  });
  mind.init(toElixir(initial));
  const listeners = new Set<() => void>();
  const onOperation = (operation: { name: string }) => {
    // beginEdit only opens the text box; finishEdit carries the change.
    if (operation.name === 'beginEdit') return;
    for (const listener of listeners) listener();
  };
  mind.bus.addListener('operation', onOperation);

  return {
    document: () => fromElixir(mind.getData()),
    load(document) {
      mind.refresh(toElixir(document));
      mind.clearHistory?.();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    focus() {
      const root = mind.findEle(mind.nodeData.id);
      if (root) mind.selectNode(root);
      mind.container.focus();
    },
    exportSvg: () => new Blob([svgOf(mind)], { type: 'image/svg+xml' }),
    exportPng: () => svgToPng(svgOf(mind)),
    destroy() {
      mind.bus.removeListener('operation', onOperation);
      mind.destroy();
    },
  };
}

function svgOf(mind: MindElixir): string {
  return renderSvg({ canvas: mind.nodes, background: mind.theme.cssVar['--bgcolor'] });
}

function toElixir(document: MindMapDocument): MindElixirData {
  const convert = (node: MindMapNode): NodeObj => ({
    id: node.id,
    topic: node.text,
    children: node.children.map(convert),
    ...(node.position ? { metadata: { position: node.position } } : {}),
  });
  return { nodeData: convert(document.root) };
}

function fromElixir(data: MindElixirData): MindMapDocument {
  const convert = (node: NodeObj): MindMapNode => {
    const position = (node.metadata as { position?: { x: number; y: number } } | undefined)?.position;
    return { id: node.id, text: node.topic, children: (node.children ?? []).map(convert), ...(position ? { position } : {}) };
  };
  return { version: 1, root: convert(data.nodeData) };
}
