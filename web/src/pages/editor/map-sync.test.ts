import { ApiError, NetworkError } from '@mindvault/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MindMapDocument } from '../../session/document';
import { type Draft, MapSync, type SaveState } from './map-sync';

const tree = (a: string, b: string): MindMapDocument => ({
  version: 1,
  root: { id: 'r', text: 'Root', children: [{ id: 'a', text: a, children: [] }, { id: 'b', text: b, children: [] }] },
});
const texts = (d: MindMapDocument) => d.root.children.map((c) => c.text);

/** A server holding versions: a save over a stale base is refused as the real one does (412). */
class FakeServer {
  versions = new Map<string, MindMapDocument>([['v0', tree('A', 'B')]]);
  head = 'v0';
  offline = false;
  saves = 0;
  private n = 0;

  async save(document: MindMapDocument, base: string | null): Promise<string> {
    if (this.offline) throw new NetworkError('offline');
    if (base !== this.head) throw new ApiError(412, 'VERSION_CONFLICT', 'stale head');
    return this.put(document);
  }

  /** Another device's save. */
  put(document: MindMapDocument): string {
    this.head = `v${++this.n}`;
    this.saves += 1;
    this.versions.set(this.head, structuredClone(document));
    return this.head;
  }

  async pull() {
    if (this.offline) throw new NetworkError('offline');
    return { versionId: this.head, document: structuredClone(this.versions.get(this.head)!) };
  }
}

describe('MapSync', () => {
  let server: FakeServer;
  let editor: MindMapDocument;
  let states: SaveState[];
  let drafts: (Draft | null)[];
  let settled: number;
  let sync: MapSync;

  /** The sync under test over the fake server and editor; `hooks` and `restored` vary it per test. */
  const make = (hooks: Partial<ConstructorParameters<typeof MapSync>[0]> = {}, restored?: ConstructorParameters<typeof MapSync>[2]) =>
    new MapSync(
      {
        save: (d, base) => server.save(d, base),
        pullHead: () => server.pull(),
        snapshot: () => structuredClone(editor),
        apply: (d) => void (editor = structuredClone(d)),
        busy: () => false,
        keepDraft: async (d) => void drafts.push(d),
        dropDraft: async () => void drafts.push(null),
        onState: (s) => states.push(s),
        settle: async (conflicts, merged) => {
          settled += conflicts.length;
          return merged;
        },
        delayMs: 500,
        retryMs: 1000,
        ...hooks,
      },
      { versionId: 'v0', document: tree('A', 'B') },
      restored,
    );
  const edit = (a: string, b: string) => {
    editor = tree(a, b);
    sync.changed();
  };

  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeServer();
    editor = tree('A', 'B');
    states = [];
    drafts = [];
    settled = 0;
    sync = make();
  });
  afterEach(() => vi.useRealTimers());

  it('saves once, a moment after the last of several edits, over the version it started from', async () => {
    edit('A1', 'B');
    await vi.advanceTimersByTimeAsync(300);
    edit('A2', 'B');
    await vi.advanceTimersByTimeAsync(499);
    expect(server.saves).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.saves).toBe(1);
    expect(texts(server.versions.get(server.head)!)).toEqual(['A2', 'B']);
    expect(sync.current).toBe('saved');
    expect(drafts.at(-1)).toBeNull();
  });

  it("takes another device's save into the editor when nothing is unsaved here, and saves nothing", async () => {
    const theirs = server.put(tree('A', 'B theirs'));
    sync.remoteSaved(theirs);
    await vi.advanceTimersByTimeAsync(0);
    expect(texts(editor)).toEqual(['A', 'B theirs']);
    expect(sync.baseVersionId).toBe(theirs);
    expect(server.saves).toBe(1);
    expect(sync.current).toBe('saved');
  });

  it('merges unsaved edits with a save of another node from elsewhere, and saves the merge over it', async () => {
    edit('A mine', 'B');
    sync.remoteSaved(server.put(tree('A', 'B theirs')));
    await vi.advanceTimersByTimeAsync(0);
    expect(texts(editor)).toEqual(['A mine', 'B theirs']);
    await vi.advanceTimersByTimeAsync(600);
    expect(texts(server.versions.get(server.head)!)).toEqual(['A mine', 'B theirs']);
    expect(settled).toBe(0);
    expect(sync.current).toBe('saved');
  });

  it('merges after a 412 too (the event came late), and asks only about the node changed on both sides', async () => {
    server.put(tree('A theirs', 'B theirs'));
    edit('A mine', 'B');
    await vi.advanceTimersByTimeAsync(600);
    expect(settled).toBe(1);
    expect(texts(server.versions.get(server.head)!)).toEqual(['A mine', 'B theirs']);
  });

  it('waits while the person is typing, and saves once the text box closes', async () => {
    let typing = true;
    sync = make({ busy: () => typing });
    edit('New idea', 'B');
    await vi.advanceTimersByTimeAsync(2000);
    expect(server.saves).toBe(0);
    typing = false;
    edit('A typed', 'B');
    await vi.advanceTimersByTimeAsync(600);
    expect(server.saves).toBe(1);
    expect(texts(server.versions.get(server.head)!)).toEqual(['A typed', 'B']);
  });

  it("saves nothing mid-typing when its own save's event came before the save's answer", async () => {
    // The event names a version this editor has not heard back about yet: taken for another
    // device's, it sends the sync round once more after the save, when typing may have started.
    let typing = false;
    let answer!: () => void;
    sync = make({
      busy: () => typing,
      save: async (d, base) => {
        const versionId = await server.save(d, base);
        sync.remoteSaved(versionId);
        await new Promise<void>((resolve) => (answer = resolve));
        return versionId;
      },
    });
    edit('A typed', 'B');
    await vi.advanceTimersByTimeAsync(600);
    expect(server.saves).toBe(1);
    answer();
    // A new node, its text box still open: the editor holds a placeholder.
    typing = true;
    edit('A typed', 'New idea');
    await vi.advanceTimersByTimeAsync(2000);
    expect(server.saves).toBe(1);
    typing = false;
    edit('A typed', 'B typed');
    await vi.advanceTimersByTimeAsync(600);
    expect(server.saves).toBe(2);
    expect(texts(server.versions.get(server.head)!)).toEqual(['A typed', 'B typed']);
  });

  it('ignores the events of its own saves', async () => {
    edit('A1', 'B');
    await vi.advanceTimersByTimeAsync(600);
    const pulls = vi.spyOn(server, 'pull');
    sync.remoteSaved(server.head);
    await vi.advanceTimersByTimeAsync(0);
    expect(pulls).not.toHaveBeenCalled();
  });

  it('keeps edits made offline on the device, says offline, and merges them when the network is back', async () => {
    server.offline = true;
    edit('A offline', 'B');
    await vi.advanceTimersByTimeAsync(600);
    expect(sync.current).toBe('offline');
    expect(drafts.at(-1)).toMatchObject({ baseVersionId: 'v0', mine: tree('A offline', 'B') });
    server.put(tree('A', 'B meanwhile'));
    server.offline = false;
    sync.reconnected();
    await vi.advanceTimersByTimeAsync(0);
    expect(texts(server.versions.get(server.head)!)).toEqual(['A offline', 'B meanwhile']);
    expect(sync.current).toBe('saved');
    expect(drafts.at(-1)).toBeNull();
  });

  it('tries again by itself while offline', async () => {
    server.offline = true;
    edit('A offline', 'B');
    await vi.advanceTimersByTimeAsync(600);
    server.offline = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(sync.current).toBe('saved');
    expect(texts(server.versions.get(server.head)!)).toEqual(['A offline', 'B']);
  });

  it('saves a draft brought back from before a reload, merged with what was saved since', async () => {
    server.put(tree('A', 'B elsewhere'));
    editor = tree('A kept', 'B');
    sync = make({}, { draft: tree('A kept', 'B'), behind: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(texts(server.versions.get(server.head)!)).toEqual(['A kept', 'B elsewhere']);
  });
});
