import { useState } from 'preact/hooks';
import { setCurrentSession } from '../../session/current-session';
import { describeFailure, type Failure } from '../../session/failures';
import type { VaultSession } from '../../session/vault-session';
import { navigate } from '../../router';
import { ErrorMessage } from '../../ui/error-message';
import { toast } from '../../ui/toast';

/**
 * Erasure from the account page. The button stays disabled until the account's email is typed out
 * (a typed confirmation, not a click-through), and the password is asked again: an unlocked tab
 * left alone must not be enough to delete everything.
 */
export function DeleteAccount({ session }: { session: VaultSession }) {
  const [typed, setTyped] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const confirmed = typed.trim().toLowerCase() === session.email.trim().toLowerCase();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!confirmed) return;
    setFailure(null);
    setBusy(true);
    try {
      await session.deleteAccount(password);
      setCurrentSession(null);
      navigate('/login', { replace: true });
      toast('Your account and everything in it are deleted.');
    } catch (error) {
      const described = describeFailure(error);
      setFailure(described.kind === 'wrong-password' ? { kind: 'wrong-password', message: 'Wrong password: nothing was deleted.' } : described);
      setBusy(false);
    }
  };

  return (
    <section aria-label="Delete account" class="danger-zone">
      <h2>Delete account</h2>
      <p class="hint">
        Deletes this account for good: every map, every saved version, every share link (they stop working at once) and
        every session. A paid plan is cancelled. Nobody, not even the server's operators, can bring any of it back:
        export what you want to keep first.
      </p>
      <form onSubmit={submit}>
        <label>
          <span>Type <strong>{session.email}</strong> to confirm</span>
          <input type="text" name="confirm-email" autoComplete="off" spellcheck={false} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
        </label>
        <label>
          Password <input type="password" name="delete-password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <ErrorMessage failure={failure} />
        <button type="submit" class="danger" disabled={!confirmed || busy}>{busy ? 'Deleting…' : 'Delete my account forever'}</button>
      </form>
    </section>
  );
}
