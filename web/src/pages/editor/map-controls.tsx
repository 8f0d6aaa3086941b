import type { RefObject } from 'preact';
import type { MapEditor, SelectedNode } from '../../editor/map-editor';
import { type NodeAction, NODE_ACTIONS } from './node-actions';

/** The on-screen toolbar entries for the selected node (the menu has all of them). */
const TOOLBAR_ACTIONS: readonly NodeAction[] = ['addChild', 'addSibling', 'edit', 'details', 'remove', 'moveUp', 'moveDown', 'toggleFold'];

/**
 * Buttons for what the keyboard does, so that a touch screen (or a mouse alone) can do it all:
 * edit the selected node, undo, zoom and fit. A roving toolbar would hide most of them from Tab;
 * they are few, so each is its own Tab stop.
 */
export function MapControls({ editor, selected, onAction }: { editor: RefObject<MapEditor | null>; selected: SelectedNode | null; onAction: (action: NodeAction) => void }) {
  const specs = TOOLBAR_ACTIONS.map((action) => NODE_ACTIONS.find((spec) => spec.action === action)!);
  return (
    <div class="map-controls" role="toolbar" aria-label="Map tools">
      <div class="group">
        {specs.map((spec) => (
          <button type="button" key={spec.action} disabled={!selected || !spec.offered(selected)} onClick={() => onAction(spec.action)} title={spec.keys ? `${spec.label} (${spec.keys})` : spec.label}>
            {spec.action === 'details' ? 'Details…' : spec.label}
          </button>
        ))}
      </div>
      <div class="group">
        <button type="button" onClick={() => editor.current?.run('undo')} title="Undo (Ctrl+Z)">Undo</button>
        <button type="button" onClick={() => editor.current?.run('redo')} title="Redo (Ctrl+Y)">Redo</button>
        <button type="button" onClick={() => editor.current?.zoom(-1)} aria-label="Zoom out">−</button>
        <button type="button" onClick={() => editor.current?.zoom(1)} aria-label="Zoom in">+</button>
        <button type="button" onClick={() => editor.current?.fit()}>Fit to screen</button>
      </div>
    </div>
  );
}
