import { useState } from 'preact/hooks';
import { navigate } from '../../router';
import { setCurrentSession } from '../../session/current-session';
import { describeFailure, type Failure } from '../../session/failures';
import { VaultSession } from '../../session/vault-session';
import { ErrorMessage } from '../../ui/error-message';

/** After a reload: the session is still there but its keys are not; the password brings them back. */
export function LockScreen({ email, onUnlocked }: { email: string; onUnlocked: () => void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      setCurrentSession(await VaultSession.unlock(password));
      onUnlocked();
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  const switchAccount = () => {
    VaultSession.forgetLocked();
    navigate('/login');
  };

  return (
    <main class="auth-page">
      <h1>Mindvault is locked</h1>
      <p class="tagline">Keys are kept in memory only, so a reload locks the vault. Enter the password for <strong>{email}</strong>.</p>
      <form onSubmit={submit} aria-label="Unlock">
        <input type="email" name="email" autoComplete="username" value={email} hidden readOnly />
        <label>Password <input type="password" name="password" autoComplete="current-password" required autoFocus value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
        <ErrorMessage failure={failure} />
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Unlocking…' : 'Unlock'}</button>
        <p><button type="button" class="link" onClick={switchAccount}>Use another account</button></p>
      </form>
    </main>
  );
}
