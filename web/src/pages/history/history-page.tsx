import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createMindElixirEditor } from '../../editor/mind-elixir-editor';
import { navigate, onLinkClick } from '../../router';
import type { MindMapDocument } from '../../session/document';
import { describeFailure, type Failure } from '../../session/failures';
import type { VaultSession, VersionInfo } from '../../session/vault-session';
import { AppBar } from '../../ui/app-bar';
import { ErrorMessage } from '../../ui/error-message';
import { NameDialog } from '../../ui/name-dialog';
import { toast } from '../../ui/toast';
import { clockTime, fullDate, groupByDay, relativeTime, sizeInWords } from './history-format';
import { diffDocuments, summarizeDiff, type VersionDiff } from './version-diff';

/** How many nodes of one kind of change the summary names before "and N more". */
const NAMED_PER_KIND = 8;

/**
 * The map's saved versions, grouped by day: pick one to see it beside the current map with what
 * changed between them (computed here from the two decrypted trees), restore an older one as a new
 * save, copy any one into a new map, name and pin one so thinning keeps it.
 */
export function HistoryPage({ session, mapId }: { session: VaultSession; mapId: string }) {
  const [versions, setVersions] = useState<VersionInfo[] | null>(null);
  const [current, setCurrent] = useState<{ title: string; document: MindMapDocument } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [shown, setShown] = useState<{ versionId: string; document: MindMapDocument } | null>(null);
  const [namedOnly, setNamedOnly] = useState(false);
  const [dialog, setDialog] = useState<'name' | 'copy' | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [now, setNow] = useState(() => new Date());
  const versionHost = useRef<HTMLDivElement>(null);
  const currentHost = useRef<HTMLDivElement>(null);

  const reload = () => session.history(mapId).then(setVersions, (error: unknown) => setFailure(describeFailure(error)));
  useEffect(() => {
    void reload();
    session.open(mapId).then(
      (opened) => setCurrent({ title: opened.title, document: opened.document }),
      (error: unknown) => setFailure(describeFailure(error)),
    );
    // "3 minutes ago" stays true while the page is open.
    const tick = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(tick);
  }, [session, mapId]);

  // The selected version's tree, decrypted here.
  useEffect(() => {
    if (selected === null) return;
    let cancelled = false;
    session.open(mapId, selected).then(
      (opened) => !cancelled && setShown({ versionId: selected, document: opened.document }),
      (error: unknown) => !cancelled && setFailure(describeFailure(error)),
    );
    return () => {
      cancelled = true;
    };
  }, [selected]);

  const version = versions?.find((v) => v.versionId === selected) ?? null;
  const showing = shown !== null && shown.versionId === selected ? shown.document : null;
  const older = version !== null && !version.isHead;

  useReadonlyMap(versionHost, showing, selected);
  useReadonlyMap(currentHost, older && showing ? (current?.document ?? null) : null, null);

  const diff = useMemo(() => (showing && current && older ? diffDocuments(showing, current.document) : null), [showing, current, older]);
  const listed = useMemo(() => (versions ?? []).filter((v) => !namedOnly || v.label !== null || v.pinned), [versions, namedOnly]);
  const groups = useMemo(() => groupByDay(listed, (v) => new Date(v.savedAt), now), [listed, now]);
  const named = (versions ?? []).filter((v) => v.label !== null).length;

  const restore = async () => {
    if (selected === null || !older) return;
    setBusy(true);
    try {
      await session.restore(mapId, selected);
      toast('Version restored: it is the latest version now, and the one before it stays in history.');
      navigate(`/maps/${mapId}`);
    } catch (error) {
      setFailure(describeFailure(error));
      setBusy(false);
    }
  };

  const saveAsMap = async (name: string) => {
    if (!showing) return;
    try {
      const map = await session.createMap(name, { ...showing, root: { ...showing.root, text: name } });
      toast(`Saved as a new map, “${map.title}”.`);
      navigate(`/maps/${map.id}`);
    } catch (error) {
      throw new Error(describeFailure(error).message);
    }
  };

  const nameVersion = async (name: string) => {
    if (selected === null) return;
    try {
      await session.markVersion(mapId, selected, { label: name, pinned: true });
      await reload();
      setDialog(null);
      toast(`Named this version “${name}”: it is kept for good.`);
    } catch (error) {
      throw new Error(describeFailure(error).message);
    }
  };

  const unpin = async () => {
    if (selected === null) return;
    setBusy(true);
    try {
      await session.markVersion(mapId, selected, { pinned: false });
      await reload();
      toast('Unpinned: this version may be thinned like any other now.');
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  const title = current?.title ?? null;
  const when = version ? new Date(version.savedAt) : null;
  return (
    <>
      <AppBar />
      <main class="history-page">
        <div class="editor-toolbar">
          <a href={`/maps/${mapId}`} onClick={onLinkClick}>← Back to the map</a>
          <h1>{title === null ? 'History' : <>History of <span class="map-name">“{title}”</span></>}</h1>
          <label class="check">
            <input type="checkbox" checked={namedOnly} onChange={(e) => setNamedOnly(e.currentTarget.checked)} />
            Named versions only
          </label>
        </div>
        <ErrorMessage failure={failure} />
        <div class="history-layout">
          <section class="version-column" aria-label="Saved versions">
            {versions === null ? <p class="empty">Loading…</p> : (
              <>
                <p class="meta history-summary">
                  {versions.length === 1 ? '1 version' : `${versions.length} versions`}{named > 0 ? `, ${named} named` : ''}. Older autosaves are thinned to one an hour, then a day, then a week; named versions are kept.
                </p>
                {listed.length === 0 ? <p class="empty">No named versions yet: in the editor, Save version… (Ctrl+S) names the map as it is.</p> : null}
                <ol class="version-list" aria-label="Versions">
                  {groups.map((group) => (
                    <li key={group.key} class="version-day">
                      <h2 id={`day-${group.key}`}>{group.label}</h2>
                      <ol aria-labelledby={`day-${group.key}`}>
                        {group.items.map((v) => (
                          <li key={v.versionId} class={v.versionId === selected ? 'selected' : ''}>
                            <button type="button" onClick={() => setSelected(v.versionId)} aria-pressed={v.versionId === selected} data-version={v.versionId}>
                              {v.label !== null ? <><span class="version-name">{v.label}</span>{' '}</> : null}
                              <span class="version-when">
                                <time dateTime={v.savedAt} title={fullDate(new Date(v.savedAt))}>{relativeTime(new Date(v.savedAt), now)}</time> · {clockTime(new Date(v.savedAt))}
                              </span>{' '}
                              <span class="version-meta">
                                {sizeInWords(v.sizeBytes)}
                                {v.pinned ? <> <span class="badge">pinned</span></> : null}
                                {v.isHead ? <> <span class="badge latest">latest</span></> : null}
                              </span>
                            </button>
                          </li>
                        ))}
                      </ol>
                    </li>
                  ))}
                </ol>
              </>
            )}
          </section>
          <section class="preview" aria-label="Preview">
            {version === null || when === null ? <p class="empty">Pick a version to see it beside the current map, with what changed.</p> : (
              <div class="version-detail">
                <h2>{version.label ?? fullDate(when)}</h2>
                <p class="meta">
                  {version.label !== null ? `${fullDate(when)} · ` : ''}saved {relativeTime(when, now)} · {sizeInWords(version.sizeBytes)}
                  {version.pinned ? ' · pinned: thinning keeps it' : ''}
                  {version.isHead ? ' · the latest version: this is the current map' : ''}
                </p>
                <div class="actions">
                  {older ? <button type="button" class="primary" disabled={busy || showing === null} onClick={() => void restore()}>Restore this version</button> : null}
                  <button type="button" disabled={busy || showing === null} onClick={() => setDialog('copy')}>Save as a new map…</button>
                  <button type="button" disabled={busy} onClick={() => setDialog('name')}>{version.label !== null ? 'Rename…' : 'Name and pin…'}</button>
                  {version.pinned ? <button type="button" disabled={busy} onClick={() => void unpin()}>Unpin</button> : null}
                </div>
                {diff ? <ChangeSummary diff={diff} /> : null}
              </div>
            )}
            <div class={`compare${older ? ' two' : ''}`}>
              <section class="compare-side" aria-label="This version">
                {older ? <h3>This version</h3> : null}
                <div class="map-host" ref={versionHost} role="region" aria-label="Version preview" />
              </section>
              {older ? (
                <section class="compare-side" aria-label="The current map">
                  <h3>Current map</h3>
                  <div class="map-host" ref={currentHost} role="region" aria-label="Current map" />
                </section>
              ) : null}
            </div>
          </section>
        </div>
      </main>
      {dialog === 'name' && version ? (
        <NameDialog
          title={version.label !== null ? 'Rename this version' : 'Name and pin this version'}
          intro="A named version is pinned: thinning never removes it. The name is encrypted here, like the map."
          initialName={version.label ?? ''}
          placeholder="e.g. Before the reorg"
          confirmLabel="Save name"
          save={nameVersion}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'copy' && when ? (
        <NameDialog
          title="Save as a new map"
          intro="A new map starts from this version; this map and its history stay as they are."
          initialName={`${version?.label ?? title ?? 'Map'} (${when.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })})`}
          confirmLabel="Save as a new map"
          save={saveAsMap}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </>
  );
}

/** Draws `document` read-only in `host` while it is set; replaced when it changes. */
/** Draws `document` read-only in `host`, which names the version drawn (data-version) once it is. */
function useReadonlyMap(host: { current: HTMLDivElement | null }, document: MindMapDocument | null, versionId: string | null): void {
  useEffect(() => {
    const el = host.current;
    if (!el || document === null) return;
    const editor = createMindElixirEditor(el, document, { readonly: true });
    if (versionId !== null) el.dataset.version = versionId;
    return () => {
      editor.destroy();
      el.replaceChildren();
      delete el.dataset.version;
    };
  }, [document]);
}

function ChangeSummary({ diff }: { diff: VersionDiff }) {
  const list = (items: string[]) => {
    const shown = items.slice(0, NAMED_PER_KIND).join(', ');
    return items.length > NAMED_PER_KIND ? `${shown} and ${items.length - NAMED_PER_KIND} more` : shown;
  };
  const quoted = (text: string) => `“${text}”`;
  const rows: [string, string, number][] = [
    ['Added', list(diff.added.map((n) => quoted(n.text))), diff.added.length],
    ['Removed', list(diff.removed.map((n) => quoted(n.text))), diff.removed.length],
    [
      'Moved',
      list(diff.moved.map((m) => (m.fromParent === m.toParent ? `${quoted(m.text)} (reordered under ${quoted(m.toParent)})` : `${quoted(m.text)} (from ${quoted(m.fromParent)} to ${quoted(m.toParent)})`))),
      diff.moved.length,
    ],
    ['Renamed', list(diff.renamed.map((r) => `${quoted(r.from)} → ${quoted(r.to)}`)), diff.renamed.length],
    ['Other details changed', list(diff.detailsChanged.map((n) => quoted(n.text))), diff.detailsChanged.length],
  ];
  return (
    <section class="changes" aria-label="What changed">
      <h3>From this version to the current map</h3>
      <p class="changes-summary">{summarizeDiff(diff)}</p>
      <dl>
        {rows.filter(([, , count]) => count > 0).map(([kind, text, count]) => (
          <div key={kind} class="change-row">
            <dt>{kind} ({count})</dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
