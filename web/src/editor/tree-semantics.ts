/**
 * mind-elixir draws nodes as custom elements a screen reader hears as one run of text. This
 * names them what they are: the map is a tree, each node a treeitem with its level and, when it
 * has children, whether they are shown; the selected node is the tree's active descendant, so
 * moving with the arrows reads each node out.
 */
import type { NodeObj, Topic } from 'mind-elixir';

export function exposeAsTree(canvas: HTMLElement, readonly: boolean): void {
  const container = canvas.closest<HTMLElement>('.map-container') ?? canvas;
  container.setAttribute('role', 'tree');
  container.setAttribute('aria-label', readonly ? 'Mind map (read only)' : 'Mind map');
  if (!container.hasAttribute('tabindex')) container.tabIndex = 0;
  let active: string | null = null;
  for (const topic of canvas.querySelectorAll<Topic>('me-tpc')) {
    const obj: NodeObj | undefined = topic.nodeObj;
    if (!obj) continue;
    let level = 1;
    for (let up = obj.parent; up; up = up.parent) level++;
    topic.id = `map-node-${obj.id}`;
    topic.setAttribute('role', 'treeitem');
    topic.setAttribute('aria-level', `${level}`);
    const selected = topic.classList.contains('selected');
    topic.setAttribute('aria-selected', `${selected}`);
    if (selected && active === null) active = topic.id;
    if (obj.children?.length) topic.setAttribute('aria-expanded', `${obj.expanded !== false}`);
    else topic.removeAttribute('aria-expanded');
  }
  if (active) container.setAttribute('aria-activedescendant', active);
  else container.removeAttribute('aria-activedescendant');
}
