import { useState } from 'preact/hooks';
import { describeFailure, type Failure } from '../../session/failures';
import type { VaultSession } from '../../session/vault-session';
import { fileNameFor } from '../../ui/download';
import { ErrorMessage } from '../../ui/error-message';
import { chooseSaveTarget, type FileKind, type Piece } from '../../ui/save-stream';

/**
 * Every map in one zip, decrypted here: JSON, Markdown and OPML per map, optionally every version;
 * and the encrypted backup. The SDK hands either over in pieces as it reads the maps, and no
 * piece stays in the JS heap longer than it must (ui/save-stream.ts): in Chromium the person
 * picks the file first and the pieces are written to it as they come; elsewhere they are folded
 * into a Blob, which the browser keeps outside the heap, and downloaded at the end.
 */
export function ExportAccount({ session }: { session: VaultSession }) {
  const [allVersions, setAllVersions] = useState(false);
  const [progress, setProgress] = useState<{ mapsDone: number; mapsTotal: number } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  const [backupProgress, setBackupProgress] = useState<string | null>(null);

  const fileKind = (extension: string, type: string, description: string): FileKind => ({
    suggestedName: fileNameFor(`mindvault ${session.email} ${new Date().toISOString().slice(0, 10)}`, extension),
    extension,
    type,
    description,
  });

  /**
   * Asks where the file goes (first: the picker needs this click), then writes the export there.
   * A cancelled picker ends it quietly. `start` shows the progress and answers the pieces.
   */
  const save = async (kind: FileKind, start: () => AsyncIterable<Piece>) => {
    setFailure(null);
    setDone(null);
    try {
      const target = await chooseSaveTarget(kind);
      if (target === null) return;
      await target.write(start());
      setDone(`Saved ${target.name}.`);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };
  const run = async () => {
    await save(fileKind('zip', 'application/zip', 'Zip archive'), () => {
      setProgress({ mapsDone: 0, mapsTotal: 0 });
      return session.exportArchive({ allVersions, onProgress: setProgress }) as AsyncIterable<Uint8Array<ArrayBuffer>>;
    });
    setProgress(null);
  };
  const runBackup = async () => {
    await save(fileKind('backup', 'application/x-ndjson', 'Mindvault backup'), () => {
      setBackupProgress('Reading your maps…');
      return session.exportBackup(({ maps, versions }) => setBackupProgress(`${maps} maps, ${versions} versions`));
    });
    setBackupProgress(null);
  };

  return (
    <section aria-label="Export everything">
      <h2>Export everything</h2>
      <p class="hint">One zip with every map as JSON, Markdown and OPML, decrypted in this browser. Anyone who gets the file can read it.</p>
      <label class="check"><input type="checkbox" checked={allVersions} onChange={(e) => setAllVersions(e.currentTarget.checked)} /> Include every version</label>
      {progress !== null ? (
        <div class="usage">
          <progress aria-label="Export progress" max={Math.max(progress.mapsTotal, 1)} value={progress.mapsDone} />
          <span>{progress.mapsTotal === 0 ? 'Reading your maps…' : `${progress.mapsDone} of ${progress.mapsTotal} maps`}</span>
        </div>
      ) : (
        <button type="button" onClick={() => void run()}>Download all maps (.zip)</button>
      )}
      <h3>Encrypted backup</h3>
      <p class="hint">
        Every version as the server holds it, still encrypted: it opens only with your password (as it
        is now) or your recovery key, and <code>mindvault import-backup</code> restores it into any
        account on any Mindvault server, history included.
      </p>
      {backupProgress !== null ? (
        <div class="usage"><progress aria-label="Backup progress" /> <span>{backupProgress}</span></div>
      ) : (
        <button type="button" onClick={() => void runBackup()}>Download encrypted backup</button>
      )}
      {done !== null ? <p role="status">{done}</p> : null}
      <ErrorMessage failure={failure} />
    </section>
  );
}
