import { mergeDocuments, type MindMapDocument, type NodeConflict, sameDocument } from '../../session/document';
import { describeFailure, type Failure } from '../../session/failures';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'offline' | 'failed' | 'conflict';

/** A version of the map: its id (null before the first save) and its tree. */
export interface Version {
  versionId: string | null;
  document: MindMapDocument;
}

/** What the editor keeps on this device while it holds edits no version has. */
export interface Draft {
  baseVersionId: string | null;
  base: MindMapDocument;
  mine: MindMapDocument;
}

export interface MapSyncDeps {
  /** Uploads over `baseVersionId` (If-Match) and answers the new head's version id. */
  save(document: MindMapDocument, baseVersionId: string | null): Promise<string>;
  /** The head the server holds now. */
  pullHead(): Promise<Version>;
  /** The editor's tree now. */
  snapshot(): MindMapDocument;
  /** Puts a merged tree into the editor; `rebase` carries an older tree of its undo history over. */
  apply(document: MindMapDocument, rebase: (older: MindMapDocument) => MindMapDocument): void;
  /** The person is typing a node's text: a tree put in now would drop it, so applying waits. */
  busy(): boolean;
  /** Keeps the edits on this device (sealed), so that a reload or a lock does not lose them. */
  keepDraft(draft: Draft): Promise<void>;
  dropDraft(): Promise<void>;
  onState(state: SaveState, failure: Failure | null): void;
  /**
   * The same field of a node was changed here and on another device: the person settles each
   * one. Answers the settled tree (`merged` holds mine's values where they differ).
   */
  settle(conflicts: NodeConflict[], merged: MindMapDocument): Promise<MindMapDocument>;
  /** Quiet time after the last edit before a save starts, in ms. */
  delayMs: number;
  /** While offline, how often a save is tried again, in ms (also on reconnect). */
  retryMs?: number;
}

/**
 * Keeps one open map in step with the server and the account's other devices. Edits save by
 * themselves a moment after the last one, always over the version they started from (If-Match).
 * When another device saved first (a `map.saved` event, or the save's 412), the head is pulled
 * and merged with the edits here against that version (mergeDocuments); the merge goes into the
 * editor (selection, view and undo kept) and is saved over the new head. Only a field changed
 * differently on both sides stops to ask the person, node by node. Edits are never dropped: while
 * dirty they are kept sealed on this device; with the network gone the state is `offline` and
 * saving is tried again on reconnect (and every `retryMs`).
 */
export class MapSync {
  private state: SaveState = 'saved';
  private base: Version;
  /** The editor holds edits `base` does not. */
  private edited = false;
  /** Another device saved: its head must be merged before the next save. */
  private behind = false;
  /** Versions this editor saved (their own map.saved events are not news). */
  private readonly mine = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private destroyed = false;
  /** The tree as the editor left it, once the editor is gone. */
  private frozen: MindMapDocument | undefined;

  constructor(
    private readonly deps: MapSyncDeps,
    base: Version,
    options: { draft?: MindMapDocument; behind?: boolean } = {},
  ) {
    this.base = base;
    if (base.versionId) this.mine.add(base.versionId);
    if (options.draft) {
      // Edits kept from before (a reload, an offline spell): saved (and merged) at once.
      this.edited = true;
      this.behind = options.behind ?? false;
      this.set('unsaved');
      void this.run();
    }
  }

  get baseVersionId(): string | null {
    return this.base.versionId;
  }

  get current(): SaveState {
    return this.state;
  }

  /** True while the editor holds edits no version has. */
  get dirty(): boolean {
    return this.edited;
  }

  /** The person edited. */
  changed(): void {
    this.edited = true;
    this.keepDraftSoon();
    if (this.state === 'saving' || this.state === 'conflict') return;
    if (this.state !== 'offline' && this.state !== 'failed') this.set('unsaved');
    this.schedule(this.deps.delayMs);
  }

  /** Another device saved `versionId` (a map.saved event for this map). */
  remoteSaved(versionId: string): void {
    if (this.mine.has(versionId) || versionId === this.base.versionId) return;
    this.behind = true;
    void this.run();
  }

  /** The network (or the event stream) is back: save what waited, merge what was missed. */
  reconnected(): void {
    if (this.state === 'offline' || this.state === 'failed' || this.behind) void this.run();
  }

  /** Saves now (retry button, leaving the page); waits for work already running. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    await this.run();
  }

  /** The tree now matches `version` (theirs loaded, a restore): nothing to save. */
  reset(version: Version): void {
    clearTimeout(this.timer);
    this.base = version;
    if (version.versionId) this.mine.add(version.versionId);
    this.edited = false;
    this.behind = false;
    this.set('saved');
    void this.deps.dropDraft();
  }

  /** Seals what the editor holds now, if anything is unsaved (before the keys are wiped). */
  async keepDraftNow(): Promise<void> {
    clearTimeout(this.draftTimer);
    if (!this.edited) return;
    await this.deps.keepDraft({ baseVersionId: this.base.versionId, base: this.base.document, mine: this.frozen ?? this.deps.snapshot() });
  }

  /**
   * The page is going (the editor with it): unsaved edits are kept on the device and still get
   * their save, from this final copy of the tree, without telling the page any more.
   */
  detach(finalDocument: MindMapDocument): void {
    this.frozen = finalDocument;
    this.destroyed = true;
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    if (!this.edited) return;
    // After a lock the keys are gone: sealing and saving fail (the lock sealed the draft first).
    void this.keepDraftNow()
      .catch(() => undefined)
      .then(() => this.run());
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // Mid-typing (a new node still reads "New idea"): the text box's end is an edit of its own,
      // so the save waits for it rather than record a version of half a thought.
      if (!this.frozen && this.deps.busy()) this.schedule(ms);
      else void this.run();
    }, ms);
  }

  private keepDraftSoon(): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => void this.keepDraftNow().catch(() => undefined), 200);
  }

  /** One cycle at a time; a call while one runs makes it go round once more. */
  private run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.cycle();
      } while (this.again && this.state !== 'conflict');
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async cycle(): Promise<void> {
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (this.behind) await this.catchUp();
        if (!this.edited) {
          this.set('saved');
          return;
        }
        // A round run again (an event during the save before) must not save half a thought either.
        if (!this.frozen && this.deps.busy()) {
          if (this.state !== 'offline' && this.state !== 'failed') this.set('unsaved');
          this.schedule(this.deps.delayMs);
          return;
        }
        if (await this.save()) return;
      }
    } catch (error) {
      const failure = describeFailure(error);
      this.set(failure.kind === 'offline' ? 'offline' : 'failed', failure);
      if (failure.kind === 'offline') void this.keepDraftNow().catch(() => undefined);
      if (failure.kind === 'offline' && !this.destroyed) this.retryTimer = setTimeout(() => void this.run(), this.deps.retryMs ?? 5000);
    }
  }

  /** Saves the editor's tree over the base: false when another device saved first (behind now). */
  private async save(): Promise<boolean> {
    const document = this.frozen ?? this.deps.snapshot();
    this.edited = false;
    this.set('saving');
    let versionId: string;
    try {
      versionId = await this.deps.save(document, this.base.versionId);
    } catch (error) {
      this.edited = true;
      if (describeFailure(error).kind === 'conflict') {
        this.behind = true;
        return false;
      }
      throw error;
    }
    this.mine.add(versionId);
    this.base = { versionId, document };
    if (this.edited) {
      // Edited while the save ran: another one after the quiet time.
      this.set('unsaved');
      if (!this.frozen) this.schedule(this.deps.delayMs);
    } else {
      this.set('saved');
      clearTimeout(this.draftTimer);
      await this.deps.dropDraft();
    }
    return true;
  }

  /** Pulls the head and merges it with the edits here; asks the person about true conflicts. */
  private async catchUp(): Promise<void> {
    const head = await this.deps.pullHead();
    this.behind = false;
    if (head.versionId === this.base.versionId) return;
    if (head.versionId) this.mine.add(head.versionId);
    const base = this.base.document;
    const rebase = (older: MindMapDocument) => mergeDocuments(base, older, head.document).document;
    if (this.frozen) {
      const merged = mergeDocuments(base, this.frozen, head.document);
      // Nobody is there to ask: mine wins each conflict, theirs stays in history.
      this.frozen = merged.document;
      this.base = head;
      return;
    }
    while (this.deps.busy()) await new Promise((resolve) => setTimeout(resolve, 150));
    if (!this.edited) {
      this.deps.apply(head.document, rebase);
      this.base = head;
      return;
    }
    const merged = mergeDocuments(base, this.deps.snapshot(), head.document);
    let result = merged.document;
    if (merged.conflicts.length > 0) {
      this.set('conflict');
      result = await this.deps.settle(merged.conflicts, merged.document);
    }
    this.deps.apply(result, rebase);
    this.base = head;
    this.edited = !sameDocument(result, head.document);
  }

  private set(state: SaveState, failure: Failure | null = null): void {
    this.state = state;
    if (!this.destroyed) this.deps.onState(state, failure);
  }
}
