import type { MindMapDocument } from '../../session/document';
import { describeFailure, type Failure } from '../../session/failures';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'failed' | 'conflict';

export interface AutosaveDeps {
  /** Uploads over `baseVersionId` (If-Match) and answers the new head's version id. */
  save(document: MindMapDocument, baseVersionId: string | null): Promise<string>;
  /** The editor's tree at the moment a save starts. */
  snapshot(): MindMapDocument;
  onState(state: SaveState, failure: Failure | null): void;
  /** Quiet time after the last edit before a save starts, in ms. */
  delayMs: number;
}

/**
 * Saves by itself, a moment after the last edit, always over the version the editor started from
 * (If-Match), so another device's save is never overwritten silently. Edits are never dropped:
 * after a failed save the tree stays dirty in the editor and the next edit (or retry) saves it;
 * a conflict stops saving until the person chooses what to keep.
 */
export class Autosave {
  private state: SaveState = 'saved';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> | undefined;
  /** An edit came in while a save was under way: save again after it. */
  private editedDuringSave = false;
  private destroyed = false;
  /** The tree as the editor left it, once the editor is gone. */
  private frozen: MindMapDocument | undefined;

  constructor(
    private readonly deps: AutosaveDeps,
    private base: string | null,
  ) {}

  get baseVersionId(): string | null {
    return this.base;
  }

  get current(): SaveState {
    return this.state;
  }

  /** True while the editor holds edits no version has. */
  get dirty(): boolean {
    return this.state !== 'saved';
  }

  changed(): void {
    if (this.state === 'saving') {
      this.editedDuringSave = true;
      return;
    }
    if (this.state === 'conflict') return;
    this.set(this.state === 'failed' ? 'failed' : 'unsaved');
    this.schedule();
  }

  /** Saves now (retry button, leaving the page); waits for a save already running. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    if (this.inFlight) await this.inFlight;
    if (this.state === 'unsaved' || this.state === 'failed') await this.run();
  }

  /** The tree now matches `versionId` (theirs loaded, a restore): nothing to save. */
  reset(versionId: string | null): void {
    clearTimeout(this.timer);
    this.base = versionId;
    this.editedDuringSave = false;
    this.set('saved');
  }

  /** Keep mine: the next save goes over the head the server has now. */
  async overwrite(headVersionId: string | null): Promise<void> {
    this.base = headVersionId;
    this.set('unsaved');
    await this.run();
  }

  /**
   * The page is going (the editor with it): unsaved edits still get their save, from this final
   * copy of the tree, without telling the page about it any more.
   */
  detach(finalDocument: MindMapDocument): void {
    this.frozen = finalDocument;
    this.destroyed = true;
    if (this.state === 'unsaved' || this.state === 'failed' || this.editedDuringSave) void this.flush();
    else clearTimeout(this.timer);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), this.deps.delayMs);
  }

  private run(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.save().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async save(): Promise<void> {
    this.editedDuringSave = false;
    this.set('saving');
    const document = this.frozen ?? this.deps.snapshot();
    try {
      this.base = await this.deps.save(document, this.base);
    } catch (error) {
      const failure = describeFailure(error);
      this.set(failure.kind === 'conflict' ? 'conflict' : 'failed', failure);
      return;
    }
    if (this.editedDuringSave) {
      this.set('unsaved');
      if (this.frozen) void this.run();
      else this.schedule();
    } else {
      this.set('saved');
    }
  }

  private set(state: SaveState, failure: Failure | null = null): void {
    this.state = state;
    if (!this.destroyed) this.deps.onState(state, failure);
  }
}
