import { useRef, useState } from 'preact/hooks';
import { navigate, onLinkClick } from '../../router';
import { setCurrentSession } from '../../session/current-session';
import { describeFailure, type Failure } from '../../session/failures';
import { type SecondStep, signWithPasskey, VaultSession } from '../../session/vault-session';
import { ErrorMessage } from '../../ui/error-message';
import { RecoveryKit } from '../account/recovery-kit';

const MIN_PASSWORD = 10;

/** Log in or create an account. The password never leaves the page: keys are derived here. */
export function LoginPage({ mode, next }: { mode: 'login' | 'register'; next: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  /** Set while the login waits for its second step; `retry` after a wrong answer. */
  const [codeWanted, setCodeWanted] = useState<{ give: (answer: string | { passkey: Record<string, unknown> }) => void; step: SecondStep; retry: boolean } | null>(null);
  const [passkeyFailure, setPasskeyFailure] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const asked = useRef(0);
  /** After registering: the new account's recovery key, shown before the maps. */
  const [kit, setKit] = useState<{ session: VaultSession; words: string } | null>(null);
  const registering = mode === 'register';

  /** The SDK's second-factor callback: shows the code field and resolves when it is submitted. */
  const askForCode = (step: SecondStep) =>
    new Promise<string | { passkey: Record<string, unknown> }>((give) => {
      asked.current++;
      setCode('');
      setPasskeyFailure(null);
      setCodeWanted({ give, step, retry: asked.current > 1 });
    });

  /** The browser asks its authenticator; a cancelled prompt leaves the form as it was. */
  const usePasskey = async () => {
    if (codeWanted === null) return;
    setPasskeyFailure(null);
    try {
      const answer = await signWithPasskey(codeWanted.step);
      codeWanted.give(answer);
      setCodeWanted(null);
    } catch (error) {
      setPasskeyFailure(error instanceof Error ? `The passkey did not answer: ${error.message}` : 'The passkey did not answer.');
    }
  };

  const submitCode = (event: Event) => {
    event.preventDefault();
    codeWanted?.give(code.trim());
    setCodeWanted(null);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    if (registering && password.length < MIN_PASSWORD) {
      setFailure({ kind: 'other', message: `Choose a password of at least ${MIN_PASSWORD} characters.` });
      return;
    }
    if (registering && password !== confirm) {
      setFailure({ kind: 'other', message: 'The two passwords differ.' });
      return;
    }
    setBusy(true);
    try {
      asked.current = 0;
      if (registering) {
        const registered = await VaultSession.register(email.trim(), password);
        setKit({ session: registered.session, words: registered.recoveryWords });
        return;
      }
      setCurrentSession(await VaultSession.login(email.trim(), password, askForCode));
      navigate(next, { replace: true });
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  if (kit !== null) {
    return (
      <main class="auth-page">
        <h1>Mindvault</h1>
        <RecoveryKit
          words={kit.words}
          email={kit.session.email}
          doneLabel="Continue to my maps"
          onDone={() => {
            setCurrentSession(kit.session);
            navigate(next, { replace: true });
          }}
        />
      </main>
    );
  }

  if (codeWanted !== null) {
    return (
      <main class="auth-page">
        <h1>Mindvault</h1>
        <form onSubmit={submitCode} aria-label="Second step">
          <h2>Two-step login</h2>
          {codeWanted.retry ? <p class="error" role="alert">Wrong or already used code (or the passkey did not verify). Try again.</p> : null}
          {codeWanted.step.methods.includes('passkey') ? (
            <>
              <button type="button" class="primary" onClick={() => void usePasskey()}>Use a passkey</button>
              {passkeyFailure !== null ? <p class="error" role="alert">{passkeyFailure}</p> : null}
            </>
          ) : null}
          {codeWanted.step.methods.includes('totp') ? (
            <>
              <label>Code from your authenticator app, or a backup code <input type="text" name="one-time-code" autoComplete="one-time-code" inputMode="text" required value={code} onInput={(e) => setCode(e.currentTarget.value)} /></label>
              <button type="submit" class="primary">Verify</button>
            </>
          ) : null}
        </form>
      </main>
    );
  }

  return (
    <main class="auth-page">
      <h1>Mindvault</h1>
      <p class="tagline">Mind maps encrypted in your browser. The server never sees your maps or your password.</p>
      <form onSubmit={submit} aria-label={registering ? 'Create account' : 'Log in'}>
        <h2>{registering ? 'Create an account' : 'Log in'}</h2>
        <label>Email <input type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} /></label>
        <label>Password <input type="password" name="password" autoComplete={registering ? 'new-password' : 'current-password'} required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
        {registering ? (
          <>
            <label>Repeat password <input type="password" name="confirm" autoComplete="new-password" required value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} /></label>
            <p class="hint">Nobody can reset it for you: without it your maps cannot be decrypted. Next you get a recovery key, the one way back if you forget it.</p>
          </>
        ) : null}
        <ErrorMessage failure={failure} />
        <button type="submit" class="primary" disabled={busy}>{busy ? (registering ? 'Creating keys…' : 'Unlocking…') : registering ? 'Create account' : 'Log in'}</button>
        {registering ? null : <p><a href="/recover" onClick={onLinkClick}>Forgot password?</a></p>}
        <p>
          {registering ? <>Have an account? <a href={withNext('/login', next)} onClick={onLinkClick}>Log in</a></> : <>New here? <a href={withNext('/register', next)} onClick={onLinkClick}>Create an account</a></>}
        </p>
      </form>
    </main>
  );
}

/** Switching between log in and sign up keeps the page the person was going to. */
function withNext(path: string, next: string): string {
  return next === '/maps' ? path : `${path}?next=${encodeURIComponent(next)}`;
}
