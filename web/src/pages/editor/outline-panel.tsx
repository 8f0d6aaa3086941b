import type { MindMapNode } from '../../session/document';

/**
 * The whole map as an indented list: on a big map, the way to see every branch at once and jump
 * to one (the map scrolls to the node, unfolding what hides it).
 */
export function OutlinePanel({ root, onJump, onClose }: { root: MindMapNode; onJump: (id: string) => void; onClose: () => void }) {
  const item = (node: MindMapNode) => (
    <li key={node.id}>
      <button type="button" class="link" onClick={() => onJump(node.id)}>{node.text || '(empty)'}</button>
      {node.children.length ? <ul>{node.children.map(item)}</ul> : null}
    </li>
  );
  return (
    <nav class="outline-panel" aria-label="Outline">
      <div class="outline-head">
        <h2>Outline</h2>
        <button type="button" onClick={onClose}>Close outline</button>
      </div>
      <ul>{item(root)}</ul>
    </nav>
  );
}
