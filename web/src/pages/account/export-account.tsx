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

  const run = async () => {
    setFailure(null);
    setDone(null);
    setProgress({ mapsDone: 0, mapsTotal: 0 });
    try {
      const parts: BlobPart[] = [];
      for await (const chunk of session.exportArchive({ allVersions, onProgress: setProgress })) parts.push(chunk as Uint8Array<ArrayBuffer>);
      const archive = new Blob(parts, { type: 'application/zip' });
      const name = fileNameFor(`mindvault ${session.email} ${new Date().toISOString().slice(0, 10)}`, 'zip');
      downloadBlob(archive, name);
      setDone(`Saved ${name}.`);
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setProgress(null);
    }
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
      {done !== null ? <p role="status">{done}</p> : null}
      <ErrorMessage failure={failure} />
    </section>
  );
}
