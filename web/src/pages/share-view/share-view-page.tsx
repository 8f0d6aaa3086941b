import { useEffect, useRef, useState } from 'preact/hooks';
import { createMindElixirEditor } from '../../editor/mind-elixir-editor';
import { describeFailure, type Failure } from '../../session/failures';
import { openSharedMap } from '../../session/vault-session';
import { ErrorMessage } from '../../ui/error-message';

/**
 * `/s/<token>#<key>`: a shared map, read-only, no account. The key after # stays in this page:
 * browsers send neither the fragment nor (with no-referrer) the page's URL anywhere.
 */
export function ShareViewPage() {
  const host = useRef<HTMLDivElement>(null);
  const [title, setTitle] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  useEffect(() => {
    let destroy: (() => void) | undefined;
    if (location.hash.length < 2) {
      setFailure({ kind: 'other', message: 'This link is incomplete: the part after # (its key) is missing.' });
      return;
    }
    openSharedMap(location.href).then(
      (opened) => {
        setTitle(opened.title);
        if (host.current) destroy = createMindElixirEditor(host.current, opened.document, { readonly: true }).destroy;
      },
      (error: unknown) => setFailure(describeFailure(error)),
    );
    return () => destroy?.();
  }, []);

  return (
    <main class="share-view">
      <header class="app-bar"><span class="brand">Mindvault</span>{failure ? null : <span class="hint">Shared with you, read-only · decrypted in this browser</span>}</header>
      <h1 class="map-name">{title ?? (failure ? 'This map cannot be opened' : 'Opening…')}</h1>
      <ErrorMessage failure={failure} />
      <div class="map-host" ref={host} role="region" aria-label="Shared mind map" />
    </main>
  );
}
