import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import type { MapEditor } from '../../editor/map-editor';
import type { MindMapNode } from '../../session/document';

/** The ids of the nodes whose text, note or tags hold `query` (any case), in outline order. */
export function findInMap(root: MindMapNode, query: string): string[] {
  const needle = query.trim().toLocaleLowerCase();
  if (!needle) return [];
  const found: string[] = [];
  const walk = (node: MindMapNode) => {
    const haystack = [node.text, node.note ?? '', ...(node.tags ?? [])].join('\n').toLocaleLowerCase();
    if (haystack.includes(needle)) found.push(node.id);
    node.children.forEach(walk);
  };
  walk(root);
  return found;
}

/**
 * Search within the open map: every match is highlighted, Enter (or Next / Previous) selects the
 * next one and brings it into view, unfolding what hides it. Runs on the decrypted tree in this
 * page; nothing is sent anywhere.
 */
export function MapSearch({ editor }: { editor: RefObject<MapEditor | null> }) {
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<string[]>([]);
  const [at, setAt] = useState(-1);

  const search = (text: string) => {
    setQuery(text);
    const mapEditor = editor.current;
    if (!mapEditor) return;
    const found = findInMap(mapEditor.document().root, text);
    setMatches(found);
    setAt(-1);
    mapEditor.highlight(found);
  };
  const step = (by: 1 | -1) => {
    const mapEditor = editor.current;
    if (!mapEditor || matches.length === 0) return;
    const next = (at + by + matches.length) % matches.length;
    setAt(next);
    mapEditor.select(matches[next]!);
    mapEditor.highlight(matches);
  };

  return (
    <form class="map-search" role="search" aria-label="Search this map" onSubmit={(e) => { e.preventDefault(); step(1); }}>
      <input
        type="search"
        name="map-search"
        aria-label="Find in this map"
        placeholder="Find in map"
        value={query}
        onInput={(e) => search(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && e.shiftKey) {
            e.preventDefault();
            step(-1);
          } else if (e.key === 'Escape') search('');
        }}
      />
      <span class="search-count" role="status" aria-live="polite">{query.trim() ? (matches.length === 0 ? 'No match' : at < 0 ? `${matches.length} found` : `${at + 1} of ${matches.length}`) : ''}</span>
      <button type="button" onClick={() => step(-1)} disabled={matches.length === 0}>Previous</button>
      <button type="submit" disabled={matches.length === 0}>Next</button>
    </form>
  );
}
