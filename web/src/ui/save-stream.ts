import { downloadBlob } from './download';

/**
 * Saving a file that arrives in pieces (the account export and backup) without the JS heap ever
 * holding the whole of it.
 * - Where the browser has the File System Access API (Chromium), the person picks the file first
 *   and each piece is written to it as it arrives; a failure aborts the write, so the file never
 *   looks complete when it is not.
 * - Elsewhere the pieces go into a Blob, folded in every FOLD_BYTES: browsers keep Blob data
 *   outside the JS heap (and may page it to disk), so the heap holds at most one window of pieces;
 *   the Blob is downloaded at the end.
 */

/** A piece of the file: bytes (the zip) or text (the backup's lines, ASCII). */
export type Piece = Uint8Array<ArrayBuffer> | string;

/** The file the person asked for: the name it was given, and how its pieces get there. */
export interface SaveTarget {
  readonly name: string;
  /** Writes every piece in order and finishes the file; on a failure, leaves no complete-looking file and rethrows. */
  write(pieces: AsyncIterable<Piece>): Promise<void>;
}

/** What the file is: the name offered (the person may change it in the picker), its extension and type. */
export interface FileKind {
  suggestedName: string;
  extension: string;
  type: string;
  description: string;
}

/** Pending pieces reaching this many bytes are folded into the Blob. */
export const FOLD_BYTES = 4 * 1024 * 1024;

/**
 * Where the file goes. Call it first in a click handler, before any await: the picker needs the
 * click's user activation. Null when the person cancelled the picker (nothing to report).
 */
export async function chooseSaveTarget(kind: FileKind): Promise<SaveTarget | null> {
  const picker = (window as WindowWithSavePicker).showSaveFilePicker;
  if (typeof picker !== 'function') return downloadTarget(kind);
  let handle: FileSystemFileHandle;
  try {
    handle = await picker({ suggestedName: kind.suggestedName, types: [{ description: kind.description, accept: { [kind.type]: [`.${kind.extension}`] } }] });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
  return pickedFileTarget(handle);
}

function pickedFileTarget(handle: FileSystemFileHandle): SaveTarget {
  return {
    name: handle.name,
    async write(pieces) {
      const file = await handle.createWritable();
      try {
        // One awaited write per piece: the export is pulled no faster than the disk takes it.
        for await (const piece of pieces) await file.write(piece);
      } catch (error) {
        // abort() drops what was written (Chromium writes to a swap file and moves it into place
        // on close), so a failed export leaves the file as it was, not half of an archive.
        await file.abort().catch(() => undefined);
        throw error;
      }
      await file.close();
    },
  };
}

function downloadTarget(kind: FileKind): SaveTarget {
  return {
    name: kind.suggestedName,
    async write(pieces) {
      const blob = new FoldingBlob(kind.type);
      for await (const piece of pieces) blob.add(piece);
      downloadBlob(blob.finish(), kind.suggestedName);
    },
  };
}

/**
 * A Blob built from pieces, holding at most about `foldBytes` of them in the JS heap: once the
 * pending pieces reach `foldBytes` they are folded into the Blob (`new Blob([blob, ...pending])`,
 * which refers to the earlier Blob's data rather than copying it into the heap).
 */
export class FoldingBlob {
  private blob: Blob;
  private pending: Piece[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly type: string,
    private readonly foldBytes = FOLD_BYTES,
  ) {
    this.blob = new Blob([], { type });
  }

  /** Bytes of pieces held in the JS heap, not yet in the Blob; a string counts its length (the backup is ASCII). */
  get held(): number {
    return this.pendingBytes;
  }

  add(piece: Piece): void {
    this.pending.push(piece);
    this.pendingBytes += typeof piece === 'string' ? piece.length : piece.byteLength;
    if (this.pendingBytes >= this.foldBytes) this.fold();
  }

  /** The whole file; the pieces still pending folded in. */
  finish(): Blob {
    this.fold();
    return this.blob;
  }

  private fold(): void {
    if (this.pending.length === 0) return;
    this.blob = new Blob([this.blob, ...this.pending], { type: this.type });
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** `window.showSaveFilePicker` (File System Access API), which TypeScript's DOM library leaves out: Chromium only. */
interface WindowWithSavePicker {
  showSaveFilePicker?: (options: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }) => Promise<FileSystemFileHandle>;
}
