import type { MindMapDocument, MindMapNode } from './document';

/** What the index needs of the account: its maps (with heads), and one map opened. */
export interface MapSource {
  listMaps(): Promise<readonly { id: string; title: string; headVersionId: string | null }[]>;
  open(mapId: string): Promise<{ title: string; document: MindMapDocument }>;
}

/** One node of an indexed map, flattened for searching. */
interface IndexedNode {
  id: string;
  text: string;
  /** Text, note and tags in lower case: what a query is matched against. */
  haystack: string;
}

interface IndexedMap {
  id: string;
  title: string;
  headVersionId: string | null;
  nodes: IndexedNode[];
}

export interface MapHit {
  mapId: string;
  title: string;
  titleMatches: boolean;
  /** The matching nodes, in outline order, at most MAX_NODE_HITS. */
  nodes: { id: string; text: string }[];
  /** How many nodes match in all (more than `nodes` holds when cut). */
  nodeMatches: number;
}

/** Nodes shown per map: the rest is counted. */
export const MAX_NODE_HITS = 5;
/** Maps decrypted at once while the index is built. */
const OPEN_AT_ONCE = 4;

/**
 * Search across every map, in this page only: titles and node texts (with notes and tags) are
 * decrypted here, indexed in memory and matched here; the server sees the same requests as when
 * the maps are opened (ciphertext by id), never a query or a result. A map is opened again only
 * when its head moved since it was indexed. The index lives as long as the unlocked session (a
 * lock or log out drops it with the keys).
 */
export class AllMapsIndex {
  private readonly maps = new Map<string, IndexedMap>();
  /** Maps that could not be opened on the last refresh (the search says so rather than hide it). */
  private failed = new Set<string>();

  constructor(private readonly source: MapSource) {}

  /** Brings the index up to the account's current maps, opening those new or changed. */
  async refresh(): Promise<void> {
    const listed = await this.source.listMaps();
    const ids = new Set(listed.map((map) => map.id));
    for (const id of this.maps.keys()) if (!ids.has(id)) this.maps.delete(id);
    const stale = listed.filter((map) => {
      const known = this.maps.get(map.id);
      if (known && known.headVersionId === map.headVersionId) {
        known.title = map.title;
        return false;
      }
      return true;
    });
    const failed = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < stale.length) {
        const map = stale[next++]!;
        try {
          const opened = await this.source.open(map.id);
          this.maps.set(map.id, { id: map.id, title: map.title, headVersionId: map.headVersionId, nodes: flatten(opened.document.root) });
        } catch {
          // One map that will not open (offline, refused by the SDK's checks) leaves the others searchable.
          this.maps.delete(map.id);
          failed.add(map.id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, stale.length) }, worker));
    this.failed = failed;
  }

  /** Forgets every title and text it holds (the session locks or logs out). */
  clear(): void {
    this.maps.clear();
    this.failed.clear();
  }

  /** How many maps the last refresh could not open (they are left out of results). */
  get unreadable(): number {
    return this.failed.size;
  }

  /** The maps whose title or nodes hold `query` (any case), title matches first. */
  search(query: string): MapHit[] {
    return searchIndexed([...this.maps.values()], query);
  }
}

/** Every node but the root, whose text is the map's title. */
function flatten(root: MindMapNode): IndexedNode[] {
  const nodes: IndexedNode[] = [];
  const stack: MindMapNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes.push({ id: node.id, text: node.text, haystack: [node.text, node.note ?? '', ...(node.tags ?? [])].join('\n').toLocaleLowerCase() });
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return nodes;
}

function searchIndexed(maps: readonly IndexedMap[], query: string): MapHit[] {
  const needle = query.trim().toLocaleLowerCase();
  if (!needle) return [];
  const hits: MapHit[] = [];
  for (const map of maps) {
    const titleMatches = map.title.toLocaleLowerCase().includes(needle);
    const matching = map.nodes.filter((node) => node.haystack.includes(needle));
    if (!titleMatches && matching.length === 0) continue;
    hits.push({ mapId: map.id, title: map.title, titleMatches, nodes: matching.slice(0, MAX_NODE_HITS).map(({ id, text }) => ({ id, text })), nodeMatches: matching.length });
  }
  return hits.sort((a, b) => Number(b.titleMatches) - Number(a.titleMatches) || b.nodeMatches - a.nodeMatches || a.title.localeCompare(b.title));
}
