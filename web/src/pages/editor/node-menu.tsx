import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { SelectedNode } from '../../editor/map-editor';
import { type NodeAction, NODE_ACTIONS } from './node-actions';

/** Space kept between the menu and the window's edges, px. */
const EDGE = 8;

/**
 * The map's context menu: opens where it was asked for, moved back inside the window when it
 * would run off an edge; arrows move between entries, Escape or a click elsewhere closes it and
 * gives the keyboard back to the map.
 */
export function NodeMenu({ node, at, onChoose, onClose }: { node: SelectedNode; at: { x: number; y: number }; onChoose: (action: NodeAction) => void; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: at.x, top: at.y });
  const items = NODE_ACTIONS.filter((spec) => spec.offered(node));

  useLayoutEffect(() => {
    const menu = ref.current;
    if (!menu) return;
    const { width, height } = menu.getBoundingClientRect();
    setPosition({
      left: Math.max(EDGE, Math.min(at.x, window.innerWidth - width - EDGE)),
      top: Math.max(EDGE, Math.min(at.y, window.innerHeight - height - EDGE)),
    });
    menu.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
  }, [at.x, at.y]);

  useEffect(() => {
    const close = (event: Event) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', close, true);
    return () => document.removeEventListener('pointerdown', close, true);
  }, [onClose]);

  const onKeyDown = (event: KeyboardEvent) => {
    const entries = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => entries[(to + entries.length) % entries.length]?.focus();
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(entries.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div class="node-menu" role="menu" aria-label={`Actions for “${node.text}”`} ref={ref} style={{ left: `${position.left}px`, top: `${position.top}px` }} onKeyDown={onKeyDown}>
      {items.map((spec) => (
        <button type="button" role="menuitem" tabIndex={-1} key={spec.action} onClick={() => onChoose(spec.action)}>
          <span>{spec.label}</span>
          {spec.keys ? <kbd aria-hidden="true">{spec.keys}</kbd> : null}
        </button>
      ))}
    </div>
  );
}
