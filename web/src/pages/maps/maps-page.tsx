import { useEffect, useRef, useState } from 'preact/hooks';
import { importFile, IMPORT_ACCEPT } from '../../formats';
import { navigate, onLinkClick } from '../../router';
import type { VaultSession } from '../../session/vault-session';
import { describeFailure, type Failure, formatBytes } from '../../session/failures';
import type { MapInfo } from '../../session/vault-session';
import { AppBar } from '../../ui/app-bar';
import { ConfirmDialog, Dialog } from '../../ui/dialog';
import { ErrorMessage } from '../../ui/error-message';
import { toast } from '../../ui/toast';
import { SearchAllMaps } from './search-all-maps';

/** The person's maps, titles decrypted here; create, import, rename, delete. */
export function MapsPage({ session }: { session: VaultSession }) {
  const [maps, setMaps] = useState<MapInfo[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [renaming, setRenaming] = useState<MapInfo | null>(null);
  const [deleting, setDeleting] = useState<MapInfo | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  const load = async () => {
    try {
      setMaps(await session.listMaps());
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };
  useEffect(() => void load(), [session]);
  // Maps made, renamed, saved or deleted on another device show up here at once.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = session.watch((event) => {
      if (!event.type.startsWith('map.') && event.type !== 'resync') return;
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 100);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [session]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  const create = (event: Event) => {
    event.preventDefault();
    const name = title.trim() || 'Untitled map';
    void run(async () => {
      const map = await session.createMap(name);
      setTitle('');
      navigate(`/maps/${map.id}`);
    });
  };

  const importChosen = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    void run(async () => {
      const document = importFile(file.name, await file.text());
      const map = await session.createMap(document.root.text || file.name, document);
      toast(`Imported ${file.name}`);
      navigate(`/maps/${map.id}`);
    });
  };

  return (
    <>
      <AppBar />
      <main class="maps-page">
        <h1>Your maps</h1>
        <div class="toolbar">
          <form class="inline" onSubmit={create} aria-label="New map">
            <input name="title" placeholder="Title of a new map" aria-label="Title of a new map" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
            <button type="submit" class="primary" disabled={busy}>New map</button>
          </form>
          {/* A real button (a label around a hidden input is never reached by Tab). */}
          <button type="button" onClick={() => picker.current?.click()} disabled={busy}>Import…</button>
          <input ref={picker} type="file" accept={IMPORT_ACCEPT} hidden onChange={importChosen} aria-label="Import a map file" />
        </div>
        <ErrorMessage failure={failure} />
        {maps !== null && maps.length > 0 ? <SearchAllMaps session={session} /> : null}
        {maps === null ? <p aria-busy="true">Decrypting your maps…</p> : maps.length === 0 ? <p class="empty">No maps yet: give the first one a title above, or import a file (Mindvault JSON, Markdown, OPML or FreeMind).</p> : (
          <ul class="map-list" aria-label="Maps">
            {maps.map((map) => (
              <li key={map.id}>
                <a class="map-title" href={`/maps/${map.id}`} onClick={onLinkClick}>{map.title}</a>
                <span class="meta">{new Date(map.updatedAt).toLocaleString()} · {formatBytes(map.sizeBytes)} · {map.versionCount} {map.versionCount === 1 ? 'version' : 'versions'}</span>
                <span class="row-actions">
                  <button type="button" onClick={() => setRenaming(map)} aria-label={`Rename ${map.title}`}>Rename</button>
                  <button type="button" class="danger" onClick={() => setDeleting(map)} aria-label={`Delete ${map.title}`}>Delete</button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </main>
      {renaming ? (
        <RenameDialog
          title={renaming.title}
          onCancel={() => setRenaming(null)}
          onRename={(name) => run(async () => {
            await session.renameMap(renaming.id, name);
            setRenaming(null);
            await load();
          })}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete this map?"
          message={`“${deleting.title}”, its ${deleting.versionCount} saved ${deleting.versionCount === 1 ? 'version' : 'versions'} and its share links will be deleted for good: this cannot be undone.`}
          confirmLabel="Delete for good"
          onCancel={() => setDeleting(null)}
          onConfirm={() => void run(async () => {
            await session.deleteMap(deleting.id);
            setDeleting(null);
            await load();
          })}
        />
      ) : null}
    </>
  );
}

function RenameDialog({ title, onRename, onCancel }: { title: string; onRename: (title: string) => Promise<void>; onCancel: () => void }) {
  const [value, setValue] = useState(title);
  return (
    <Dialog title="Rename map" onClose={onCancel}>
      <form onSubmit={(e) => { e.preventDefault(); void onRename(value.trim() || title); }}>
        <label>New title <input name="new-title" value={value} autoFocus onInput={(e) => setValue(e.currentTarget.value)} /></label>
        <div class="actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" class="primary">Rename</button>
        </div>
      </form>
    </Dialog>
  );
}
