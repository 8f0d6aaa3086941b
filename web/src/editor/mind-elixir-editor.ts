/**
 * The one module that knows mind-elixir. Its keyboard map: Tab adds a child, Enter a sibling,
 * F2 (or a double click) edits, Delete removes, Alt+↑/↓ moves among siblings, Ctrl+Z / Ctrl+Y
 * undo and redo, arrows walk the tree, Space folds; nodes drag with the mouse. mind-elixir's own
 * context menu and toolbar are off: the page draws its own (named, keyboard-reachable, offering
 * only what the document keeps).
 */
import MindElixir, { type NodeObj, type Topic } from 'mind-elixir';
import 'mind-elixir/style.css';
import type { MindMapDocument, NodeDetails } from '../session/document';
import { elixirNodeDetails, fromElixir, toElixir } from './elixir-document';
import type { EditorCommand, EditorOptions, MapEditor, SelectedNode } from './map-editor';
import { renderSvg, svgToPng } from './svg-export';
import { exposeAsTree } from './tree-semantics';

/** A press this long without moving opens the menu on a touch screen, ms. */
const LONG_PRESS_MS = 550;
/** Edits that can be undone. */
const HISTORY_LIMIT = 100;

export function createMindElixirEditor(el: HTMLElement, initial: MindMapDocument, options: EditorOptions): MapEditor {
  const mind = new MindElixir({
    el,
    direction: MindElixir.SIDE,
    editable: !options.readonly,
    contextMenu: false,
    toolBar: false,
    keypress: !options.readonly,
    // Undo is kept here, as whole trees: a tree from another device is merged into each of them.
    allowUndo: false,
    newTopicName: 'New idea',
  });
  // mind-elixir picks its light or dark colours from the system once, when made: they follow it.
  const darkScheme = window.matchMedia('(prefers-color-scheme: dark)');
  const followScheme = () => mind.changeTheme(darkScheme.matches ? MindElixir.DARK_THEME : MindElixir.THEME);
  darkScheme.addEventListener('change', followScheme);
  /** The document last drawn: what mind-elixir does not hold is merged back from it on every save. */
  let drawn = initial;
  mind.init(toElixir(initial));
  mind.scaleFit();
  const changeListeners = new Set<() => void>();
  const selectListeners = new Set<(node: SelectedNode | null) => void>();
  const menuListeners = new Set<(at: { x: number; y: number }) => void>();
  const removeListeners = new Set<(removed: { texts: string[]; count: number }) => void>();
  let highlighted: readonly string[] = [];
  /** Trees before each edit (newest last), trees undone (newest last), and the tree now. */
  let undoStack: MindMapDocument[] = [];
  let redoStack: MindMapDocument[] = [];
  let lastTree = initial;
  const snapshot = () => fromElixir(mind.getData(), drawn);

  const describe = (topic: Topic | undefined): SelectedNode | null => {
    const obj = topic?.nodeObj;
    if (!obj) return null;
    const details = elixirNodeDetails(obj);
    return { id: obj.id, text: obj.topic, details: { ...details, ...(obj.expanded === false ? { folded: true } : {}) }, isRoot: !obj.parent, hasChildren: (obj.children?.length ?? 0) > 0 };
  };
  const current = (): Topic | undefined => {
    const topic = mind.currentNodes?.[0] ?? mind.currentNode ?? undefined;
    // An edit redraws the node: the selection may still hold the element it replaced.
    return topic && !topic.isConnected ? findTopic(topic.nodeObj.id) : topic;
  };
  const changed = () => {
    refreshSemantics();
    for (const listener of changeListeners) listener();
  };
  const selectionChanged = () => {
    // aria-selected and the tree's active descendant follow the selection.
    refreshSemantics();
    const node = describe(current());
    for (const listener of selectListeners) listener(node);
  };
  const refreshSemantics = () => {
    exposeAsTree(mind.nodes, options.readonly);
    for (const id of highlighted) findTopic(id)?.classList.add('search-match');
  };
  const findTopic = (id: string): Topic | undefined => mind.nodes.querySelector<Topic>(`[data-nodeid="me${CSS.escape(id)}"]`) ?? undefined;

  /**
   * The node being worked on stays on screen: a child added on a narrow screen, or a node moved,
   * would otherwise grow the map past the edge (mind-elixir only scrolls to a node that is
   * almost entirely gone).
   */
  const keepInView = () => {
    const topic = current();
    if (!topic) return;
    const node = topic.getBoundingClientRect();
    const view = mind.container.getBoundingClientRect();
    if (node.left < view.left || node.right > view.right || node.top < view.top || node.bottom > view.bottom) mind.scrollIntoView(topic, true);
  };
  const onOperation = (operation: { name: string; objs?: NodeObj[] }) => {
    keepInView();
    // beginEdit only opens the text box; finishEdit carries the change.
    if (operation.name === 'beginEdit') return;
    undoStack.push(lastTree);
    if (undoStack.length > HISTORY_LIMIT) undoStack.shift();
    redoStack = [];
    lastTree = snapshot();
    changed();
    selectionChanged();
    if (operation.name === 'removeNodes' && operation.objs) {
      const removed = { texts: operation.objs.map((obj) => obj.topic), count: operation.objs.reduce((sum, obj) => sum + countNodes(obj), 0) };
      for (const listener of removeListeners) listener(removed);
    }
  };
  mind.bus.addListener('operation', onOperation);
  const folded = () => {
    lastTree = snapshot();
    changed();
  };
  mind.bus.addListener('expandNode', folded);
  mind.bus.addListener('selectNodes', selectionChanged);
  mind.bus.addListener('unselectNodes', selectionChanged);
  refreshSemantics();

  // The menu: right click, Shift+F10 / the context-menu key, or a long press on a touch screen.
  const openMenuAt = (x: number, y: number) => {
    for (const listener of menuListeners) listener({ x, y });
  };
  /**
   * NOTE: caught on the host, before the container: mind-elixir listens for contextmenu on its
   * container even with its menu off, and 200 ms later selects the node right-clicked unless that
   * node is still selected. When another node was chosen in those 200 ms (the other end of a
   * cross-link, a second right-click, a node picked from the menu's first action) it took the
   * selection back, and the next command acted on the old node.
   */
  const onContextMenu = (event: MouseEvent) => {
    event.preventDefault();
    event.stopPropagation();
    // The right button also drags the map around: a drag is no request for the menu.
    if (mind.panHelper.moved) return;
    const topic = (event.target as HTMLElement).closest('me-tpc') as Topic | null;
    if (topic) mind.selectNode(topic);
    openMenuAt(event.clientX, event.clientY);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.key === 'F10' && event.shiftKey) || event.key === 'ContextMenu') {
      event.preventDefault();
      const box = current()?.getBoundingClientRect() ?? mind.container.getBoundingClientRect();
      openMenuAt(box.left + box.width / 2, box.bottom);
    } else if ((event.ctrlKey || event.metaKey) && !options.readonly && document.activeElement?.id !== 'input-box' && ['z', 'y'].includes(event.key.toLowerCase())) {
      event.preventDefault();
      if (event.key.toLowerCase() === 'y' || event.shiftKey) redo();
      else undo();
    } else if (event.key === ' ' && !options.readonly && current() && document.activeElement?.id !== 'input-box') {
      event.preventDefault();
      toggleFold();
    }
  };
  let pressTimer: ReturnType<typeof setTimeout> | undefined;
  const onPointerDown = (event: PointerEvent) => {
    if (event.pointerType !== 'touch') return;
    const { clientX, clientY } = event;
    clearTimeout(pressTimer);
    pressTimer = setTimeout(() => {
      const topic = (event.target as HTMLElement).closest('me-tpc') as Topic | null;
      if (topic) mind.selectNode(topic);
      openMenuAt(clientX, clientY);
    }, LONG_PRESS_MS);
  };
  const cancelPress = () => clearTimeout(pressTimer);
  el.addEventListener('contextmenu', onContextMenu, { capture: true });
  mind.container.addEventListener('keydown', onKeyDown);
  mind.container.addEventListener('pointerdown', onPointerDown);
  mind.container.addEventListener('pointerup', cancelPress);
  mind.container.addEventListener('pointermove', cancelPress);
  mind.container.addEventListener('pointercancel', cancelPress);

  const toggleFold = () => {
    const topic = current();
    if (!topic || !topic.nodeObj.children?.length) return;
    mind.expandNode(topic, topic.nodeObj.expanded === false);
  };

  const select = (id: string) => {
    let topic = findTopic(id);
    if (!topic) {
      // Folded away: unfold every ancestor, outermost first.
      const path: NodeObj[] = [];
      const walk = (node: NodeObj): boolean => {
        if (node.id === id) return true;
        for (const child of node.children ?? []) {
          if (walk(child)) {
            path.unshift(node);
            return true;
          }
        }
        return false;
      };
      if (!walk(mind.nodeData)) return;
      for (const node of path) if (node.expanded === false) node.expanded = true;
      mind.refresh();
      refreshSemantics();
      changed();
      topic = findTopic(id);
    }
    if (topic) {
      mind.selectNode(topic);
      mind.scrollIntoView(topic, true);
    }
  };

  const commands: Record<EditorCommand, (topic: Topic | undefined) => void> = {
    addChild: (topic) => topic && void mind.addChild(topic),
    addSibling: (topic) => topic && (topic.nodeObj.parent ? void mind.insertSibling('after', topic) : void mind.addChild(topic)),
    edit: (topic) => topic && mind.beginEdit(topic),
    remove: (topic) => topic?.nodeObj.parent && void mind.removeNodes((mind.currentNodes ?? [topic]).filter((t) => t.nodeObj.parent)),
    moveUp: (topic) => topic?.nodeObj.parent && void mind.moveUpNode(topic),
    moveDown: (topic) => topic?.nodeObj.parent && void mind.moveDownNode(topic),
    toggleFold: () => toggleFold(),
    // mind-elixir brackets every selected node: the bracket is made over exactly this one.
    summarize: (topic) => {
      if (!topic?.nodeObj.parent) return;
      mind.clearSelection();
      mind.selectNodes([topic]);
      mind.createSummary();
    },
    undo: () => undo(),
    redo: () => redo(),
  };

  /** Draws `document` keeping the person's zoom, pan and selection (when its node is still there). */
  const render = (document: MindMapDocument) => {
    const keep = current()?.nodeObj.id;
    const transform = mind.map.style.transform;
    const scale = mind.scaleVal;
    drawn = document;
    mind.refresh(toElixir(document));
    mind.scaleVal = scale;
    mind.map.style.transform = transform;
    refreshSemantics();
    const again = keep ? findTopic(keep) : undefined;
    if (again) mind.selectNode(again);
    selectionChanged();
  };
  const undo = () => {
    const previous = undoStack.pop();
    if (!previous) return;
    redoStack.push(lastTree);
    lastTree = previous;
    // NOTE: a step redraws the whole tree without an operation event: the page is told here, so
    // the undone state is saved like any edit.
    render(previous);
    changed();
  };
  const redo = () => {
    const next = redoStack.pop();
    if (!next) return;
    undoStack.push(lastTree);
    lastTree = next;
    render(next);
    changed();
  };

  return {
    document: snapshot,
    // NOTE: a document from outside (another device, a restore) must not throw the person's
    // view or selection away: same zoom and pan, same node when it still exists.
    load(document) {
      render(document);
      undoStack = [];
      redoStack = [];
      lastTree = document;
    },
    replace(document, rebase) {
      render(document);
      undoStack = undoStack.map(rebase);
      redoStack = redoStack.map(rebase);
      lastTree = document;
    },
    busy: () => mind.container.querySelector('#input-box') !== null,
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onSelect(listener) {
      selectListeners.add(listener);
      return () => selectListeners.delete(listener);
    },
    onRemove(listener) {
      removeListeners.add(listener);
      return () => removeListeners.delete(listener);
    },
    onMenu(listener) {
      menuListeners.add(listener);
      return () => menuListeners.delete(listener);
    },
    selected: () => describe(current()),
    root: () => ({ id: mind.nodeData.id, text: mind.nodeData.topic }),
    select,
    run(command) {
      // Focus first: the commands that open the text box (edit, add) must keep it focused.
      mind.container.focus();
      commands[command](current());
    },
    setDetails(id, details) {
      const topic = findTopic(id);
      if (!topic) return;
      const obj = topic.nodeObj;
      // reshapeNode merges; cleared fields are removed here first so that they do not survive.
      for (const key of ['note', 'hyperLink', 'tags', 'icons', 'style'] as const) delete obj[key];
      const patch = toElixir({ version: 1, root: { id, text: obj.topic, children: [], ...details } }).nodeData;
      void mind.reshapeNode(topic, { note: patch.note, hyperLink: patch.hyperLink, tags: patch.tags, icons: patch.icons, style: patch.style ?? {} });
    },
    setText(id, text) {
      const topic = findTopic(id);
      if (topic && topic.nodeObj.topic !== text) void mind.setNodeTopic(topic, text);
    },
    link(from, to) {
      const a = findTopic(from);
      const b = findTopic(to);
      if (a && b) mind.createArrow(a, b);
    },
    highlight(ids) {
      for (const topic of mind.nodes.querySelectorAll('.search-match')) topic.classList.remove('search-match');
      highlighted = ids;
      refreshSemantics();
    },
    fit: () => mind.scaleFit(),
    zoom: (step) => mind.scale(Math.min(mind.scaleMax, Math.max(mind.scaleMin, mind.scaleVal + step * 0.2))),
    focus() {
      if (!current()) {
        const root = findTopic(mind.nodeData.id);
        if (root) mind.selectNode(root);
      }
      mind.container.focus();
    },
    exportSvg: () => new Blob([svgOf(mind)], { type: 'image/svg+xml' }),
    exportPng: () => svgToPng(svgOf(mind)),
    destroy() {
      clearTimeout(pressTimer);
      darkScheme.removeEventListener('change', followScheme);
      el.removeEventListener('contextmenu', onContextMenu, { capture: true });
      mind.bus.removeListener('operation', onOperation);
      mind.bus.removeListener('expandNode', folded);
      mind.bus.removeListener('selectNodes', selectionChanged);
      mind.bus.removeListener('unselectNodes', selectionChanged);
      mind.destroy();
    },
  };
}

function countNodes(node: NodeObj): number {
  return 1 + (node.children ?? []).reduce((sum, child) => sum + countNodes(child), 0);
}

function svgOf(mind: MindElixir): string {
  return renderSvg({ canvas: mind.nodes, background: mind.theme.cssVar['--bgcolor'] });
}
