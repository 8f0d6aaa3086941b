import { useState } from 'preact/hooks';
import { describeFailure, type Failure } from '../../session/failures';
import type { VaultSession } from '../../session/vault-session';
import { downloadBlob, fileNameFor } from '../../ui/download';
import { ErrorMessage } from '../../ui/error-message';

/**
 * Every map in one zip, decrypted here: JSON, Markdown and OPML per map, optionally every version.
 * The SDK hands the zip over in pieces as each map is read; the browser keeps the pieces in a Blob
 * (which it may hold on disk) rather than one growing buffer.
 */
export function ExportAccount({ session }: { session: VaultSession }) {
  const [allVersions, setAllVersions] = useState(false);
  const [progress, setProgress] = useState<{ mapsDone: number; mapsTotal: number } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  const [backupProgress, setBackupProgress] = useState<string | null>(null);

  /** Collects the pieces into a Blob and downloads it. */
  const save = async (pieces: AsyncIterable<BlobPart>, extension: string, type: string) => {
    setFailure(null);
    setDone(null);
    try {
      const parts: BlobPart[] = [];
      for await (const piece of pieces) parts.push(piece);
      const name = fileNameFor(`mindvault ${session.email} ${new Date().toISOString().slice(0, 10)}`, extension);
      downloadBlob(new Blob(parts, { type }), name);
      setDone(`Saved ${name}.`);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };
  const run = async () => {
    setProgress({ mapsDone: 0, mapsTotal: 0 });
    await save(session.exportArchive({ allVersions, onProgress: setProgress }) as AsyncIterable<Uint8Array<ArrayBuffer>>, 'zip', 'application/zip');
    setProgress(null);
  };
  const runBackup = async () => {
    setBackupProgress('Reading your maps…');
    await save(session.exportBackup(({ maps, versions }) => setBackupProgress(`${maps} maps, ${versions} versions`)), 'backup', 'application/x-ndjson');
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
