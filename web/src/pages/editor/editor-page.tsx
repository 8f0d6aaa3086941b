import { useEffect, useRef, useState } from 'preact/hooks';
import { createMindElixirEditor } from '../../editor/mind-elixir-editor';
import type { MapEditor, SelectedNode } from '../../editor/map-editor';
import { TEXT_FORMATS, type TextFormat } from '../../formats';
import { onLinkClick, setLeaveGuard } from '../../router';
import type { MindMapDocument, NodeConflict } from '../../session/document';
import { describeFailure, type Failure } from '../../session/failures';
import { timedSync } from '../../session/timing';
import type { AccountEvent, VaultSession } from '../../session/vault-session';
import { AppBar } from '../../ui/app-bar';
import { downloadBlob, fileNameFor } from '../../ui/download';
import { ErrorMessage } from '../../ui/error-message';
import { Menu } from '../../ui/menu';
import { NameDialog } from '../../ui/name-dialog';
import { SaveIndicator } from '../../ui/save-indicator';
import { toast } from '../../ui/toast';
import { MapSync, type SaveState } from './map-sync';
import { NodeConflictsDialog } from './node-conflicts-dialog';
import { MapControls } from './map-controls';
import { MapSearch } from './map-search';
import { OutlinePanel } from './outline-panel';
import type { NodeAction } from './node-actions';
import { NodeDetailsDialog } from './node-details-dialog';
import { NodeMenu } from './node-menu';
import { ShareDialog } from './share-dialog';

/** Quiet time after the last edit before saving, in ms. */
const AUTOSAVE_DELAY_MS = 800;

/** Conflicts waiting for the person, and where the settled tree goes. */
interface OpenConflicts {
  conflicts: NodeConflict[];
  merged: MindMapDocument;
  settle: (settled: MindMapDocument) => void;
}

export function EditorPage({ session, mapId }: { session: VaultSession; mapId: string }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<MapEditor | null>(null);
  const autosave = useRef<MapSync | null>(null);
  const [conflicts, setConflicts] = useState<OpenConflicts | null>(null);
  const [title, setTitle] = useState<string | null>(null);
  /** The title the server holds, to rename the map when the root's text changes. */
  const savedTitle = useRef<string | null>(null);
  const [state, setState] = useState<SaveState>('saved');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [loadFailure, setLoadFailure] = useState<Failure | null>(null);
  const [sharing, setSharing] = useState(false);
  /** The "Save version…" dialog is open. */
  const [namingVersion, setNamingVersion] = useState(false);
  const [selected, setSelected] = useState<SelectedNode | null>(null);
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  const [editingDetails, setEditingDetails] = useState<SelectedNode | null>(null);
  /** Set while the person picks the other end of a cross-link. */
  const [linkingFrom, setLinkingFrom] = useState<SelectedNode | null>(null);
  const linking = useRef<SelectedNode | null>(null);
  /** The tree shown in the outline panel (null: panel closed); refreshed on every change. */
  const [outline, setOutline] = useState<MindMapDocument['root'] | null>(null);
  const outlineOpen = useRef(false);
  outlineOpen.current = outline !== null;
  linking.current = linkingFrom;

  useEffect(() => {
    let cancelled = false;
    const stopLive: (() => void)[] = [];
    // Listening starts before the map is read: a save from elsewhere meanwhile is not missed.
    const early: AccountEvent[] = [];
    let onEvent: (event: AccountEvent) => void = (event) => void early.push(event);
    stopLive.push(session.watch((event) => onEvent(event)));
    void (async () => {
      try {
        const opened = await session.open(mapId);
        // Edits kept on this device (a reload or a lock while they were unsaved, an offline spell).
        const draft = await session.keptDraft(mapId);
        if (cancelled || !host.current) return;
        setTitle(opened.title);
        savedTitle.current = opened.title;
        const el = host.current;
        // A map from before titles and roots were one name (a rename changed only the title):
        // the title, which the list shows, wins, and the next save writes it into the tree.
        const stale = !draft && opened.document.root.text !== opened.title;
        const document = stale ? { ...opened.document, root: { ...opened.document.root, text: opened.title } } : opened.document;
        const mapEditor = timedSync('render', () => createMindElixirEditor(el, draft?.mine ?? document, { readonly: false }));
        const saver = new MapSync(
          {
            save: (document, base) => session.save(mapId, document, base),
            pullHead: async () => {
              const head = await session.open(mapId);
              return { versionId: head.versionId, document: head.document };
            },
            snapshot: () => mapEditor.document(),
            apply: (merged, rebase) => {
              mapEditor.replace(merged, rebase);
              if (outlineOpen.current) setOutline(merged.root);
              // The root is the title: a rename from another device arrives with its tree.
              const name = merged.root.text.trim();
              if (name && name !== savedTitle.current) {
                savedTitle.current = name;
                setTitle(name);
              }
            },
            busy: () => mapEditor.busy(),
            keepDraft: (kept) => session.keepDraft(mapId, kept),
            dropDraft: () => session.dropDraft(mapId),
            onState: (next, why) => {
              setState(next);
              setFailure(why);
            },
            settle: (found, merged) =>
              new Promise<MindMapDocument>((resolve) =>
                setConflicts({
                  conflicts: found,
                  merged,
                  settle: (settled) => {
                    setConflicts(null);
                    resolve(settled);
                    mapEditor.focus();
                  },
                }),
              ),
            delayMs: AUTOSAVE_DELAY_MS,
          },
          draft ? { versionId: draft.baseVersionId, document: draft.base } : { versionId: opened.versionId, document: opened.document },
          draft ? { draft: draft.mine, behind: draft.baseVersionId !== opened.versionId } : {},
        );
        if (draft) toast('Edits kept on this device were brought back.');
        onEvent = (event) => {
            if (event.type === 'map.saved' && event.mapId === mapId) saver.remoteSaved(event.versionId);
            else if (event.type === 'resync') saver.remoteSaved('resync');
            else if (event.type === 'map.updated' && event.mapId === mapId && event.changed.includes('title')) {
              session.title(mapId).then((name) => {
                if (name === savedTitle.current) return;
                savedTitle.current = name;
                setTitle(name);
              }, () => undefined);
            } else if (event.type === 'map.deleted' && event.mapId === mapId) {
              setLoadFailure({ kind: 'not-found', message: 'This map was deleted on another device.' });
            }
        };
        for (const event of early.splice(0)) onEvent(event);
        stopLive.push(
          session.onStreamState((streamState) => streamState === 'live' && saver.reconnected()),
          session.beforeLock(() => saver.keepDraftNow()),
        );
        const online = () => saver.reconnected();
        window.addEventListener('online', online);
        stopLive.push(() => window.removeEventListener('online', online));
        mapEditor.onChange(() => {
          saver.changed();
          if (outlineOpen.current) setOutline(mapEditor.document().root);
          syncTitle(mapEditor.root().text);
        });
        mapEditor.onSelect((node) => {
          setSelected(node);
          const from = linking.current;
          if (from && node && node.id !== from.id) {
            // Cleared before drawing: drawing selects again, which must not draw a second link.
            linking.current = null;
            mapEditor.link(from.id, node.id);
            setLinkingFrom(null);
          }
        });
        // Removing asks nothing: it names what went and offers to undo it (as Ctrl+Z does).
        mapEditor.onRemove(({ texts, count }) => {
          const named = texts.length === 1 ? `“${texts[0]}”` : `${texts.length} nodes`;
          const under = count - texts.length;
          toast(`Removed ${named}${under > 0 ? ` and ${under} ${under === 1 ? 'node' : 'nodes'} under it` : ''}.`, { label: 'Undo', run: () => mapEditor.run('undo') });
        });
        mapEditor.onMenu((at) => setMenuAt(at));
        editor.current = mapEditor;
        autosave.current = saver;
        if (stale) saver.changed();
        // A search result across maps links to its node (/maps/<id>?node=<node id>).
        const jumpTo = new URLSearchParams(location.search).get('node');
        if (jumpTo) mapEditor.select(jumpTo);
        mapEditor.focus();
      } catch (error) {
        if (!cancelled) setLoadFailure(describeFailure(error));
      }
    })();
    return () => {
      cancelled = true;
      for (const stop of stopLive) stop();
      if (editor.current) autosave.current?.detach(editor.current.document());
      editor.current?.destroy();
      autosave.current = null;
      editor.current = null;
    };
  }, [session, mapId]);

  // Unsaved edits are never dropped silently: the browser asks before the page goes, and an
  // in-app link first saves, then asks if saving failed.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (!autosave.current?.dirty) return;
      event.preventDefault();
      void autosave.current.flush();
    };
    window.addEventListener('beforeunload', warn);
    setLeaveGuard(async (interactive) => {
      const saver = autosave.current;
      if (!saver?.dirty) return true;
      if (saver.current !== 'conflict') await saver.flush();
      if (!saver.dirty) return true;
      // Offline: the edits stay sealed on this device and are saved (merged) when the map opens again.
      if (saver.current === 'offline') return saver.keepDraftNow().then(() => true, () => interactive && confirm('Some edits could not be saved. Leave anyway and lose them?'));
      return interactive && confirm('Some edits could not be saved. Leave anyway and lose them?');
    });
    return () => {
      window.removeEventListener('beforeunload', warn);
      setLeaveGuard(null);
    };
  }, []);

  // Ctrl+S (⌘S): Save version…, rather than the browser's "save page as".
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey || event.key.toLowerCase() !== 's') return;
      event.preventDefault();
      if (editor.current && !document.querySelector('dialog[open]')) setNamingVersion(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  /**
   * Names and pins the map as it is now: the pending save lands first (a map never saved gets its
   * first save), then that version, the head this editor saved, is named; thinning keeps it.
   */
  const saveVersion = async (name: string) => {
    const saver = autosave.current;
    if (!saver) return;
    if (saver.current === 'conflict') throw new Error('Another device saved this map first: choose what to keep, then save the version.');
    if (saver.baseVersionId === null) saver.changed();
    await saver.flush();
    const versionId = saver.baseVersionId;
    if (saver.dirty || versionId === null) throw new Error('The map could not be saved, so there is no version to name yet. Try again once it is saved.');
    try {
      await session.markVersion(mapId, versionId, { label: name, pinned: true });
    } catch (error) {
      throw new Error(describeFailure(error).message);
    }
    setNamingVersion(false);
    editor.current?.focus();
    toast(`Saved version “${name}”: History keeps it for good.`);
  };

  // The root is the title: renaming one renames the other.
  const syncTitle = (rootText: string) => {
    const name = rootText.trim();
    if (!name || name === savedTitle.current) return;
    savedTitle.current = name;
    setTitle(name);
    session.rename(mapId, name).catch((error: unknown) => setFailure(describeFailure(error)));
  };

  const renameFromTitle = () => {
    const mapEditor = editor.current;
    if (!mapEditor) return;
    mapEditor.select(mapEditor.root().id);
    mapEditor.run('edit');
  };

  const act = (action: NodeAction) => {
    setMenuAt(null);
    const mapEditor = editor.current;
    const node = mapEditor?.selected();
    if (!mapEditor || !node) return;
    if (action === 'details') setEditingDetails(node);
    else if (action === 'linkTo') {
      setLinkingFrom(node);
      mapEditor.focus();
    } else mapEditor.run(action);
  };

  const exportText = (format: TextFormat) => {
    const mapEditor = editor.current;
    if (!mapEditor) return;
    const spec = TEXT_FORMATS[format];
    downloadBlob(new Blob([spec.write(mapEditor.document())], { type: spec.mime }), fileNameFor(title ?? 'map', spec.extension));
  };

  const exportImage = async (kind: 'svg' | 'png') => {
    const mapEditor = editor.current;
    if (!mapEditor) return;
    try {
      downloadBlob(kind === 'svg' ? mapEditor.exportSvg() : await mapEditor.exportPng(), fileNameFor(title ?? 'map', kind));
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };

  return (
    <>
      <AppBar />
      <main class="editor-page">
        <div class="editor-toolbar">
          <a href="/maps" onClick={onLinkClick}>← Maps</a>
          <h1 class="map-name">{title ?? 'Opening…'}</h1>
          <button type="button" onClick={renameFromTitle} disabled={title === null} aria-label="Rename map" title="Rename map (edits the root node)">Rename</button>
          <SaveIndicator state={state} onRetry={() => void autosave.current?.flush()} />
          <button type="button" onClick={() => setNamingVersion(true)} disabled={title === null} title="Name and keep the map as it is now (Ctrl+S)" aria-keyshortcuts="Control+S">Save version…</button>
          <a href={`/maps/${mapId}/history`} onClick={onLinkClick}>History</a>
          <button type="button" onClick={() => setSharing(true)} disabled={title === null}>Share…</button>
          <Menu
            label="Export"
            items={[
              ...(Object.keys(TEXT_FORMATS) as TextFormat[]).map((format) => ({ label: TEXT_FORMATS[format].label, run: () => exportText(format) })),
              { label: 'SVG image', run: () => void exportImage('svg') },
              { label: 'PNG image', run: () => void exportImage('png') },
            ]}
          />
        </div>
        <ErrorMessage failure={loadFailure ?? (state === 'conflict' ? null : failure)} />
        <p class="keys-hint">Tab: add child · Enter: add sibling · F2: edit · Delete: remove · Alt+↑/↓: move · Space: fold · Shift+F10: menu · Ctrl+Z / Ctrl+Y: undo / redo · Ctrl+S: save version</p>
        <div class="map-tools">
          <MapSearch editor={editor} />
          <button type="button" aria-pressed={outline !== null} onClick={() => setOutline(outline ? null : editor.current?.document().root ?? null)}>Outline</button>
        </div>
        <MapControls editor={editor} selected={selected} onAction={act} />
        {linkingFrom ? (
          <p class="linking" role="status">
            Choose the node to link “{linkingFrom.text}” to. <button type="button" class="link" onClick={() => setLinkingFrom(null)}>Cancel</button>
          </p>
        ) : null}
        <div class="map-area">
          {outline ? <OutlinePanel root={outline} onJump={(id) => editor.current?.select(id)} onClose={() => setOutline(null)} /> : null}
          <div class="map-host" ref={host} />
        </div>
      </main>
      {menuAt && selected ? <NodeMenu node={selected} at={menuAt} onChoose={act} onClose={() => { setMenuAt(null); editor.current?.focus(); }} /> : null}
      {editingDetails ? (
        <NodeDetailsDialog
          node={editingDetails}
          onClose={() => { setEditingDetails(null); editor.current?.focus(); }}
          onSave={(text, details) => {
            editor.current?.setText(editingDetails.id, text);
            editor.current?.setDetails(editingDetails.id, details);
            setEditingDetails(null);
            editor.current?.focus();
          }}
        />
      ) : null}
      {conflicts ? <NodeConflictsDialog conflicts={conflicts.conflicts} merged={conflicts.merged} onSettle={conflicts.settle} /> : null}
      {namingVersion ? (
        <NameDialog
          title="Save version"
          intro="Names the map as it is now and pins it: History keeps a named version for good, while autosaves thin out over time. The name is encrypted here, like the map."
          placeholder="e.g. Before the reorg"
          confirmLabel="Save version"
          save={saveVersion}
          onClose={() => { setNamingVersion(false); editor.current?.focus(); }}
        />
      ) : null}
      {sharing ? <ShareDialog session={session} mapId={mapId} onClose={() => setSharing(false)} /> : null}
    </>
  );
}
