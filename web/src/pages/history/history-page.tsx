import { useEffect, useRef, useState } from 'preact/hooks';
import { createMindElixirEditor } from '../../editor/mind-elixir-editor';
import { navigate, onLinkClick } from '../../router';
import { describeFailure, type Failure, formatBytes } from '../../session/failures';
import type { VaultSession, VersionInfo } from '../../session/vault-session';
import { AppBar } from '../../ui/app-bar';
import { ErrorMessage } from '../../ui/error-message';
import { toast } from '../../ui/toast';

/** The map's saved versions: preview one read-only, restore it as the new head. */
export function HistoryPage({ session, mapId }: { session: VaultSession; mapId: string }) {
  const [versions, setVersions] = useState<VersionInfo[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const preview = useRef<HTMLDivElement>(null);

  useEffect(() => {
    session.history(mapId).then(setVersions, (error: unknown) => setFailure(describeFailure(error)));
  }, [session, mapId]);

  useEffect(() => {
    const el = preview.current;
    if (selected === null || !el) return;
    let destroy: (() => void) | undefined;
    let cancelled = false;
    session.open(mapId, selected).then(
      (opened) => {
        if (cancelled) return;
        destroy = createMindElixirEditor(el, opened.document, { readonly: true }).destroy;
      },
      (error: unknown) => setFailure(describeFailure(error)),
    );
    return () => {
      cancelled = true;
      destroy?.();
      el.replaceChildren();
    };
  }, [selected]);

  const restore = async () => {
    if (selected === null) return;
    try {
      await session.restore(mapId, selected);
      toast('Version restored: it is the latest version now; the one it replaced stays in history.');
      navigate(`/maps/${mapId}`);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };

  return (
    <>
      <AppBar />
      <main class="history-page">
        <div class="editor-toolbar">
          <a href={`/maps/${mapId}`} onClick={onLinkClick}>← Back to the map</a>
          <h1>History</h1>
        </div>
        <ErrorMessage failure={failure} />
        <div class="history-layout">
          {versions === null ? <p>Loading…</p> : (
            <ol class="version-list" aria-label="Versions">
              {versions.map((v) => (
                <li key={v.versionId} class={v.versionId === selected ? 'selected' : ''}>
                  <button type="button" onClick={() => setSelected(v.versionId)} aria-pressed={v.versionId === selected}>
                    {new Date(v.savedAt).toLocaleString()} · {formatBytes(v.sizeBytes)}{v.isHead ? ' · latest' : ''}
                  </button>
                </li>
              ))}
            </ol>
          )}
          <section class="preview" aria-label="Preview">
            {selected === null ? <p class="empty">Pick a version to see it.</p> : (
              <div class="actions">
                <button type="button" class="primary" onClick={() => void restore()}>Restore this version</button>
              </div>
            )}
            <div class="map-host" ref={preview} role="region" aria-label="Version preview" />
          </section>
        </div>
      </main>
    </>
  );
}
