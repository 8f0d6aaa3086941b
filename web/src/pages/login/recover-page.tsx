import { useState } from 'preact/hooks';
import { navigate, onLinkClick } from '../../router';
import { describeFailure, type Failure } from '../../session/failures';
import { VaultSession } from '../../session/vault-session';
import { ErrorMessage } from '../../ui/error-message';
import { RecoveryKit } from '../account/recovery-kit';

const MIN_PASSWORD = 10;

/**
 * Forgot password: the recovery key's words and a new password. The keys are opened and re-sealed
 * here; the server only checks the key's proof. The used key is replaced by a new one, shown once.
 */
export function RecoverPage() {
  const [email, setEmail] = useState('');
  const [words, setWords] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [newWords, setNewWords] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    if (password.length < MIN_PASSWORD) {
      setFailure({ kind: 'other', message: `Choose a password of at least ${MIN_PASSWORD} characters.` });
      return;
    }
    if (password !== confirm) {
      setFailure({ kind: 'other', message: 'The two passwords differ.' });
      return;
    }
    setBusy(true);
    try {
      setNewWords(await VaultSession.recover(email.trim(), words, password));
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  if (newWords !== null) {
    return (
      <main class="auth-page">
        <h1>Mindvault</h1>
        <p role="status">Your new password is set and every device was signed out. The recovery key you used no longer works: this is its replacement.</p>
        <RecoveryKit words={newWords} email={email.trim()} doneLabel="Continue to log in" onDone={() => navigate('/login', { replace: true })} />
      </main>
    );
  }

  return (
    <main class="auth-page">
      <h1>Mindvault</h1>
      <form onSubmit={submit} aria-label="Recover account">
        <h2>Forgot your password?</h2>
        <p class="hint">
          Your maps are encrypted with your password, so nobody, not even this server, can reset it.
          Only the recovery key you got when you made the account (or later, on the account page) can
          set a new one. Without it, a forgotten password cannot be recovered.
        </p>
        <label>Email <input type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} /></label>
        <label>Recovery key (12 words) <textarea name="recovery-words" rows={3} autoComplete="off" spellcheck={false} required value={words} onInput={(e) => setWords(e.currentTarget.value)} /></label>
        <label>New password <input type="password" name="new-password" autoComplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
        <label>Repeat new password <input type="password" name="confirm" autoComplete="new-password" required value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} /></label>
        <ErrorMessage failure={failure} />
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Unlocking your keys…' : 'Set new password'}</button>
        <p><a href="/login" onClick={onLinkClick}>Back to log in</a></p>
      </form>
    </main>
  );
}
