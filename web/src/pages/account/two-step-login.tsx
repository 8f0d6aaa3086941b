import { useEffect, useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { describeFailure, type Failure } from '../../session/failures';
import type { VaultSession } from '../../session/vault-session';
import { ErrorMessage } from '../../ui/error-message';
import { toast } from '../../ui/toast';

type Phase =
  | { step: 'loading' }
  | { step: 'off' }
  | { step: 'scan'; secret: string; otpauthUri: string }
  | { step: 'codes'; backupCodes: string[] }
  | { step: 'on'; backupCodesLeft: number };

interface PasskeyInfo {
  id: string;
  name: string;
  createdAt: string;
}

/**
 * A TOTP second factor from the account page: the password, then a QR code (drawn here from the
 * otpauth:// URI: no third party sees the secret) and the app's first code, then the backup codes
 * shown once. Turning it off takes the password and a code.
 */
export function TwoStepLogin({ session }: { session: VaultSession }) {
  const [phase, setPhase] = useState<Phase>({ step: 'loading' });
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  const refresh = () =>
    session.secondFactorStatus().then(
      (s) => setPhase(s.totpEnabled ? { step: 'on', backupCodesLeft: s.backupCodesLeft } : { step: 'off' }),
      (error: unknown) => setFailure(describeFailure(error)),
    );
  useEffect(() => void refresh(), [session]);

  const run = async (work: () => Promise<void>) => {
    setFailure(null);
    setBusy(true);
    try {
      await work();
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  const begin = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const enrolment = await session.beginTotp(password);
      setPassword('');
      setCode('');
      setPhase({ step: 'scan', ...enrolment });
    });
  };
  const confirm = (event: Event) => {
    event.preventDefault();
    void run(async () => setPhase({ step: 'codes', backupCodes: await session.confirmTotp(code) }));
  };
  const disable = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await session.disableTotp(password, code);
      setPassword('');
      setCode('');
      toast('Two-step login is off.');
      await refresh();
    });
  };

  const passwordField = (
    <label>Password <input type="password" name="totp-password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
  );
  const codeField = (label: string) => (
    <label>{label} <input type="text" name="totp-code" autoComplete="one-time-code" required value={code} onInput={(e) => setCode(e.currentTarget.value)} /></label>
  );

  return (
    <section aria-label="Two-step login">
      <h2>Two-step login</h2>
      {phase.step === 'loading' ? <p>Loading…</p> : null}
      {phase.step === 'off' ? (
        <form onSubmit={begin}>
          <p class="hint">Logins then also need a code from an authenticator app on your phone, so a stolen password is not enough.</p>
          {passwordField}
          <ErrorMessage failure={failure} />
          <button type="submit" disabled={busy}>Set up two-step login</button>
        </form>
      ) : null}
      {phase.step === 'scan' ? (
        <form onSubmit={confirm}>
          <p>Scan this with your authenticator app, or type the key in by hand.</p>
          <img class="qr" alt="QR code for the authenticator app" width={200} height={200} src={`data:image/svg+xml;utf8,${encodeURIComponent(renderSVG(phase.otpauthUri))}`} />
          <p>Key: <code aria-label="Secret key">{phase.secret}</code></p>
          {codeField('Code the app shows')}
          <ErrorMessage failure={failure} />
          <button type="submit" class="primary" disabled={busy}>Turn on</button>
        </form>
      ) : null}
      {phase.step === 'codes' ? (
        <div>
          <p role="status">Two-step login is on. These backup codes each work once, instead of a code, if you lose your phone. Keep them somewhere safe: they are not shown again.</p>
          <ul class="backup-codes" aria-label="Backup codes">{phase.backupCodes.map((c) => <li key={c}><code>{c}</code></li>)}</ul>
          <button type="button" onClick={() => void refresh()}>I have saved them</button>
        </div>
      ) : null}
      {phase.step === 'on' ? (
        <form onSubmit={disable}>
          <p>Two-step login is <strong>on</strong>; {phase.backupCodesLeft} backup code{phase.backupCodesLeft === 1 ? '' : 's'} left.</p>
          {passwordField}
          {codeField('Code from the app, or a backup code')}
          <ErrorMessage failure={failure} />
          <button type="submit" disabled={busy}>Turn off two-step login</button>
        </form>
      ) : null}
    </section>
  );
}

/**
 * Passkeys (WebAuthn) as the second step: this browser's authenticator (platform or security key)
 * signs each login. Adding and removing one takes the password.
 */
export function Passkeys({ session }: { session: VaultSession }) {
  const [passkeys, setPasskeys] = useState<PasskeyInfo[]>([]);
  const onChange = () =>
    void session.secondFactorStatus().then(
      (s) => setPasskeys(s.passkeys),
      (error: unknown) => setFailure(describeFailure(error)),
    );
  useEffect(onChange, [session]);
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const run = async (work: () => Promise<void>) => {
    setFailure(null);
    setBusy(true);
    try {
      await work();
      setPassword('');
      onChange();
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };
  const add = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await session.addPasskey(password, name.trim() || 'Passkey');
      setName('');
      toast('Passkey added: logins now also need it (or your authenticator app code).');
    });
  };
  return (
    <section aria-label="Passkeys">
      <h2>Passkeys</h2>
      {passkeys.length === 0 ? <p class="hint">A passkey on this device or a security key can answer the second step instead of a code.</p> : (
        <ul aria-label="Your passkeys">
          {passkeys.map((p) => (
            <li key={p.id}>
              {p.name} <span class="meta">added {p.createdAt.slice(0, 10)}</span>{' '}
              <button type="button" disabled={busy || password === ''} aria-label={`Remove passkey ${p.name}`} onClick={() => void run(() => session.removePasskey(p.id, password))}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add}>
        <label>Password <input type="password" name="passkey-password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
        <label>Passkey name <input type="text" name="passkey-name" maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
        <ErrorMessage failure={failure} />
        <button type="submit" disabled={busy}>Add a passkey</button>
      </form>
    </section>
  );
}
