import { useEffect, useState } from 'preact/hooks';
import { describeFailure, type Failure } from '../../session/failures';
import type { ShareSummary, VaultSession } from '../../session/vault-session';
import { Dialog } from '../../ui/dialog';
import { ErrorMessage } from '../../ui/error-message';
import { toast } from '../../ui/toast';

const EXPIRY_CHOICES: { label: string; days?: number }[] = [
  { label: 'Never' },
  { label: '1 day', days: 1 },
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
];

/**
 * Link shares: the link's key is made here and lives only in the URL's fragment (after #),
 * which browsers never send; whoever holds the whole link can read the map.
 */
export function ShareDialog({ session, mapId, onClose }: { session: VaultSession; mapId: string; onClose: () => void }) {
  const [expiry, setExpiry] = useState(0);
  const [pinned, setPinned] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const [shares, setShares] = useState<ShareSummary[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  /** The link whose revocation waits for a second press (it asks once, in its own row). */
  const [confirming, setConfirming] = useState<string | null>(null);

  const load = async () => {
    try {
      setShares(await session.shares(mapId));
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };
  useEffect(() => void load(), [mapId]);
  // Links made or revoked on another device show up here at once.
  useEffect(
    () => session.watch((event) => {
      if ((event.type === 'share.created' || event.type === 'share.revoked') && event.mapId === mapId) void load();
      else if (event.type === 'resync') void load();
    }),
    [session, mapId],
  );

  const create = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const versionId = pinned ? await session.headVersion(mapId) : null;
      const days = EXPIRY_CHOICES[expiry]?.days;
      const url = await session.share(mapId, { ...(days !== undefined ? { expiresInDays: days } : {}), ...(versionId ? { versionId } : {}) });
      await load();
      setLink(url);
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (link === null) return;
    try {
      await navigator.clipboard.writeText(link);
      toast('Link copied.');
    } catch {
      toast('Copying is blocked here: select the link and copy it.');
    }
  };

  const revoke = async (shareId: string) => {
    try {
      await session.revokeShare(mapId, shareId);
      setConfirming(null);
      toast('Link revoked: it no longer opens the map.');
      await load();
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };

  return (
    <Dialog title="Share a read-only link" onClose={onClose}>
      <form onSubmit={create} aria-label="New share link">
        <label>Expires <select name="expiry" value={String(expiry)} onChange={(e) => setExpiry(Number(e.currentTarget.value))}>
          {EXPIRY_CHOICES.map((c, i) => <option key={c.label} value={String(i)}>{c.label}</option>)}
        </select></label>
        <fieldset>
          <legend>Shows</legend>
          <label><input type="radio" name="mode" checked={!pinned} onChange={() => setPinned(false)} /> the latest version, as it changes</label>
          <label><input type="radio" name="mode" checked={pinned} onChange={() => setPinned(true)} /> only the version saved now</label>
        </fieldset>
        <button type="submit" class="primary" disabled={busy}>Create link</button>
      </form>
      {link !== null ? (
        <div class="new-link">
          <label>Link <input name="share-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} /></label>
          <button type="button" onClick={() => void copy()}>Copy</button>
          <p class="hint">Anyone with this link can read the map. It is shown once: the server cannot give it back.</p>
        </div>
      ) : null}
      <ErrorMessage failure={failure} />
      <h3>Links to this map</h3>
      {shares === null ? <p>Loading…</p> : shares.length === 0 ? <p class="empty">No share links yet.</p> : (
        <ul class="share-list" aria-label="Share links">
          {shares.map((s) => {
            const name = `the ${s.versionId ? 'one-version' : 'latest-version'} link created ${new Date(s.createdAt).toLocaleString()}`;
            return (
              <li key={s.shareId}>
                <span>{s.versionId ? 'one version' : 'latest version'} · created {new Date(s.createdAt).toLocaleString()} · {s.expiresAt ? `${s.expired ? 'expired' : 'expires'} ${new Date(s.expiresAt).toLocaleString()}` : 'no expiry'}</span>
                {confirming === s.shareId ? (
                  <span class="confirm-inline" role="group" aria-label={`Revoke ${name}?`}>
                    <span>Whoever has this link can no longer open the map; it cannot be brought back (a new link can be made).</span>
                    <button type="button" onClick={() => setConfirming(null)} autoFocus>Keep it</button>
                    <button type="button" class="danger" onClick={() => void revoke(s.shareId)}>Revoke for good</button>
                  </span>
                ) : (
                  <button type="button" class="danger" onClick={() => setConfirming(s.shareId)} aria-label={`Revoke ${name}`}>Revoke</button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div class="actions"><button type="button" onClick={onClose}>Close</button></div>
    </Dialog>
  );
}
