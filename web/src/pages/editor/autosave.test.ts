import { ApiError, NetworkError } from '@mindvault/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MindMapDocument } from '../../session/document';
import { Autosave, type SaveState } from './autosave';

/** A server holding a head: a save over a stale base is refused as the real one does (412). */
class FakeServer {
  head: string | null = 'v0';
  saved: { text: string; base: string | null }[] = [];
  failNext: unknown = undefined;
  private n = 0;
  /** Resolves the save in flight when the test says so. */
  hold = false;
  private release: (() => void) | undefined;

  async save(document: MindMapDocument, base: string | null): Promise<string> {
    if (this.hold) await new Promise<void>((resolve) => (this.release = resolve));
    if (this.failNext !== undefined) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    if (base !== this.head) throw new ApiError(412, 'VERSION_CONFLICT', 'stale head');
    this.saved.push({ text: document.root.text, base });
    this.head = `v${++this.n}`;
    return this.head;
  }

  releaseSave(): void {
    this.hold = false;
    this.release?.();
  }
}

describe('Autosave', () => {
  let server: FakeServer;
  let text: string;
  let states: SaveState[];
  let autosave: Autosave;

  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeServer();
    text = 'first';
    states = [];
    autosave = new Autosave(
      {
        save: (d, base) => server.save(d, base),
        snapshot: () => ({ version: 1, root: { id: 'r', text, children: [] } }),
        onState: (s) => states.push(s),
        delayMs: 500,
      },
      'v0',
    );
  });
  afterEach(() => vi.useRealTimers());

  it('saves once, a moment after the last of several edits, over the version it started from', async () => {
    autosave.changed();
    await vi.advanceTimersByTimeAsync(300);
    text = 'second';
    autosave.changed();
    await vi.advanceTimersByTimeAsync(499);
    expect(server.saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.saved).toEqual([{ text: 'second', base: 'v0' }]);
    expect(autosave.baseVersionId).toBe('v1');
    expect(states).toEqual(['unsaved', 'unsaved', 'saving', 'saved']);
  });

  it('saves again after an edit made while a save was under way', async () => {
    server.hold = true;
    autosave.changed();
    await vi.advanceTimersByTimeAsync(500);
    text = 'during';
    autosave.changed();
    server.releaseSave();
    await vi.advanceTimersByTimeAsync(500);
    expect(server.saved.map((s) => s.text)).toEqual(['first', 'during']);
    expect(server.saved[1]!.base).toBe('v1');
    expect(autosave.current).toBe('saved');
  });

  it('keeps the edits after a failed save and saves them on retry', async () => {
    server.failNext = new NetworkError('offline');
    autosave.changed();
    await vi.advanceTimersByTimeAsync(500);
    expect(autosave.current).toBe('failed');
    expect(autosave.dirty).toBe(true);
    await autosave.flush();
    expect(server.saved).toEqual([{ text: 'first', base: 'v0' }]);
    expect(autosave.current).toBe('saved');
  });

  it('stops at a conflict instead of overwriting, and "keep mine" saves over the new head', async () => {
    server.head = 'other-device';
    autosave.changed();
    await vi.advanceTimersByTimeAsync(500);
    expect(autosave.current).toBe('conflict');
    autosave.changed();
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.saved).toEqual([]);
    await autosave.overwrite('other-device');
    expect(server.saved).toEqual([{ text: 'first', base: 'other-device' }]);
    expect(autosave.current).toBe('saved');
  });

  it('after "load theirs" it is clean and saves the next edit over their version', async () => {
    server.head = 'theirs';
    autosave.changed();
    await vi.advanceTimersByTimeAsync(500);
    autosave.reset('theirs');
    expect(autosave.dirty).toBe(false);
    autosave.changed();
    await vi.advanceTimersByTimeAsync(500);
    expect(server.saved).toEqual([{ text: 'first', base: 'theirs' }]);
  });

  it('saves the edits left unsaved when the page goes, from the final copy of the tree', async () => {
    autosave.changed();
    autosave.detach({ version: 1, root: { id: 'r', text: 'as the editor left it', children: [] } });
    text = 'the editor is gone: never read again';
    await vi.advanceTimersByTimeAsync(0);
    expect(server.saved).toEqual([{ text: 'as the editor left it', base: 'v0' }]);
    const seen = states.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(states.length).toBe(seen);
  });

  it('does not save on leaving when nothing changed', async () => {
    autosave.detach({ version: 1, root: { id: 'r', text: 'same', children: [] } });
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.saved).toEqual([]);
  });
});
