import { describe, expect, it } from 'vitest';
import { AllMapsIndex, MAX_NODE_HITS, type MapSource } from './all-maps-index';
import type { MindMapDocument, MindMapNode } from './document';

const node = (id: string, text: string, children: MindMapNode[] = [], extra: Partial<MindMapNode> = {}): MindMapNode => ({ id, text, children, ...extra });

/** An account's maps as the server would list them, each with a head that moves on save. */
class FakeAccount implements MapSource {
  maps = new Map<string, { title: string; head: string; document: MindMapDocument }>();
  opened: string[] = [];
  broken = new Set<string>();

  put(id: string, title: string, children: MindMapNode[], head = 'v1'): void {
    this.maps.set(id, { title, head, document: { version: 1, root: node(`${id}-root`, title, children) } });
  }
  async listMaps() {
    return [...this.maps].map(([id, map]) => ({ id, title: map.title, headVersionId: map.head }));
  }
  async open(id: string) {
    this.opened.push(id);
    if (this.broken.has(id)) throw new Error('refused');
    const map = this.maps.get(id)!;
    return { title: map.title, document: map.document };
  }
}

describe('search across all maps', () => {
  it('finds titles, node texts, notes and tags in any case, title matches first, nodes in outline order', async () => {
    const account = new FakeAccount();
    account.put('a', 'Garden', [node('a1', 'Plant tomatoes', [node('a2', 'Stake the TOMATO plants')]), node('a3', 'Water', [], { note: 'ask about tomato feed' })]);
    account.put('b', 'Tomato sauce', [node('b1', 'Onions')]);
    account.put('c', 'Taxes', [node('c1', 'Receipts', [], { tags: ['tomatoes?'] })]);
    account.put('d', 'Holidays', [node('d1', 'Lisbon')]);
    const index = new AllMapsIndex(account);
    await index.refresh();

    const hits = index.search('  Tomato ');
    expect(hits.map((h) => h.title)).toEqual(['Tomato sauce', 'Garden', 'Taxes']);
    expect(hits[0]).toMatchObject({ titleMatches: true, nodes: [], nodeMatches: 0 });
    expect(hits[1]!.nodes).toEqual([{ id: 'a1', text: 'Plant tomatoes' }, { id: 'a2', text: 'Stake the TOMATO plants' }, { id: 'a3', text: 'Water' }]);
    expect(hits[2]!.nodes).toEqual([{ id: 'c1', text: 'Receipts' }]);
    expect(index.search('')).toEqual([]);
    expect(index.search('nothing like it')).toEqual([]);
  });

  it('shows a few nodes per map and counts the rest', async () => {
    const account = new FakeAccount();
    account.put('a', 'Lists', Array.from({ length: 12 }, (_, i) => node(`n${i}`, `Item ${i}`)));
    const index = new AllMapsIndex(account);
    await index.refresh();
    const [hit] = index.search('item');
    expect(hit!.nodes).toHaveLength(MAX_NODE_HITS);
    expect(hit!.nodeMatches).toBe(12);
  });

  it('opens again only the maps whose head moved, follows renames and forgets deleted maps', async () => {
    const account = new FakeAccount();
    account.put('a', 'Garden', [node('a1', 'Beans')]);
    account.put('b', 'Kitchen', [node('b1', 'Pans')]);
    const index = new AllMapsIndex(account);
    await index.refresh();
    expect(account.opened.sort()).toEqual(['a', 'b']);

    account.opened = [];
    account.put('a', 'Garden', [node('a1', 'Peas')], 'v2');
    account.maps.get('b')!.title = 'Cooking';
    await index.refresh();
    expect(account.opened).toEqual(['a']);
    expect(index.search('beans')).toEqual([]);
    expect(index.search('peas').map((h) => h.title)).toEqual(['Garden']);
    expect(index.search('cooking').map((h) => h.title)).toEqual(['Cooking']);

    account.maps.delete('a');
    await index.refresh();
    expect(index.search('peas')).toEqual([]);

    // A lock forgets it all; the next refresh opens every map again.
    index.clear();
    expect(index.search('cooking')).toEqual([]);
    account.opened = [];
    await index.refresh();
    expect(account.opened).toEqual(['b']);
  });

  it('leaves a map that will not open out, says how many, and searches the others', async () => {
    const account = new FakeAccount();
    account.put('a', 'Garden', [node('a1', 'Beans')]);
    account.put('b', 'Kitchen', [node('b1', 'Beans on toast')]);
    account.broken.add('a');
    const index = new AllMapsIndex(account);
    await index.refresh();
    expect(index.unreadable).toBe(1);
    expect(index.search('beans').map((h) => h.title)).toEqual(['Kitchen']);
    account.broken.clear();
    await index.refresh();
    expect(index.unreadable).toBe(0);
    expect(index.search('beans')).toHaveLength(2);
  });
});
