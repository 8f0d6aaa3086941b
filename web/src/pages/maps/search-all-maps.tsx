import { useRef, useState } from 'preact/hooks';
import { onLinkClick } from '../../router';
import type { MapHit } from '../../session/all-maps-index';
import { describeFailure, type Failure } from '../../session/failures';
import type { VaultSession } from '../../session/vault-session';
import { ErrorMessage } from '../../ui/error-message';

/**
 * Search across all maps: titles, node texts, notes and tags. The first query of a visit brings
 * the in-page index up to date (maps new or changed since are opened and decrypted here); every
 * keystroke after that is matched in memory. No query or result leaves the page.
 */
export function SearchAllMaps({ session }: { session: VaultSession }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<MapHit[]>([]);
  /** The query `hits` answer (the box may already hold a newer one). */
  const [answered, setAnswered] = useState('');
  const [indexing, setIndexing] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  /** The refresh of this visit, started by the first query (later queries wait for it). */
  const ready = useRef<Promise<void> | null>(null);
  const latest = useRef('');

  const search = async (text: string) => {
    setQuery(text);
    latest.current = text;
    if (!text.trim()) {
      setHits([]);
      setAnswered(text);
      return;
    }
    if (!ready.current) {
      setIndexing(true);
      ready.current = session.allMaps.refresh().finally(() => setIndexing(false));
    }
    try {
      await ready.current;
      setFailure(null);
    } catch (error) {
      ready.current = null;
      setFailure(describeFailure(error));
      return;
    }
    // Typed on while the index was built: only the newest query is shown.
    if (latest.current === text) {
      setHits(session.allMaps.search(text));
      setAnswered(text);
    }
  };

  const searching = query.trim() !== '';
  const unreadable = session.allMaps.unreadable;
  return (
    <div class="search-all">
      <form role="search" aria-label="Search all maps" onSubmit={(e) => e.preventDefault()}>
        <input type="search" name="all-maps-search" aria-label="Search all maps" placeholder="Search all maps (titles, nodes, notes, tags)" value={query} onInput={(e) => void search(e.currentTarget.value)} />
      </form>
      <ErrorMessage failure={failure} />
      {searching ? (
        <>
          <p role="status" class="meta" data-query={indexing ? undefined : answered}>
            {indexing ? 'Decrypting your maps to search them, in this browser…' : hits.length === 0 ? 'No map holds that.' : `${hits.length} ${hits.length === 1 ? 'map' : 'maps'} found.`}
            {!indexing && unreadable > 0 ? ` ${unreadable} ${unreadable === 1 ? 'map' : 'maps'} could not be opened to search.` : ''}
          </p>
          {hits.length > 0 && !indexing ? (
            <ul class="search-results" aria-label="Search results">
              {hits.map((hit) => (
                <li key={hit.mapId}>
                  <a class="map-title" href={`/maps/${hit.mapId}`} onClick={onLinkClick}>{hit.title}</a>
                  {hit.nodes.length > 0 ? (
                    <ul aria-label={`Matches in ${hit.title}`}>
                      {hit.nodes.map((node) => (
                        <li key={node.id}>
                          <a href={`/maps/${hit.mapId}?node=${encodeURIComponent(node.id)}`} onClick={onLinkClick}>{node.text}</a>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {hit.nodeMatches > hit.nodes.length ? <span class="meta">and {hit.nodeMatches - hit.nodes.length} more in this map</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
