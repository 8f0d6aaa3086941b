import { useEffect, useState } from 'preact/hooks';
import { describeFailure, type Failure, formatBytes } from '../../session/failures';
import type { Account, VaultSession } from '../../session/vault-session';
import { AppBar } from '../../ui/app-bar';
import { ErrorMessage } from '../../ui/error-message';
import { toast } from '../../ui/toast';
import { DeleteAccount } from './delete-account';
import { ExportAccount } from './export-account';
import { RecoveryKeySection } from './recovery-key';
import { Passkeys, TwoStepLogin } from './two-step-login';

/** The server marks index.html when a payment provider is configured; otherwise there is no upgrade. */
function billingEnabled(): boolean {
  return document.querySelector('meta[name="mindvault-billing"]')?.getAttribute('content') === 'enabled';
}

export function AccountPage({ session }: { session: VaultSession }) {
  const [account, setAccount] = useState<Account | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  /** Moves on with each key rotation, which drops the recovery key: its section reads the status again. */
  const [rotations, setRotations] = useState(0);

  useEffect(() => {
    session.account().then(setAccount, (error: unknown) => setFailure(describeFailure(error)));
  }, [session]);

  const upgrade = async (tier: 'pro' | 'team') => {
    try {
      location.assign(await session.checkoutUrl(tier));
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };

  const share = account && account.limitBytes > 0 ? Math.min(1, account.usageBytes / account.limitBytes) : 0;
  return (
    <>
      <AppBar />
      <main class="account-page">
        <h1>Account</h1>
        <ErrorMessage failure={failure} />
        <section aria-label="Plan and storage">
          <h2>Plan</h2>
          {account === null ? <p>Loading…</p> : (
            <>
              <p>You are on the <strong class="plan">{account.effectiveTier}</strong> plan{statusNote(account.status)}.</p>
              <div class="usage">
                <progress max={1} value={share} aria-label="Storage used" />
                <span>{formatBytes(account.usageBytes)} of {formatBytes(account.limitBytes)} used ({Math.round(share * 100)}%)</span>
              </div>
              {billingEnabled() && account.effectiveTier === 'free' ? (
                <div class="actions">
                  <button type="button" class="primary" onClick={() => void upgrade('pro')}>Upgrade to Pro</button>
                  <button type="button" onClick={() => void upgrade('team')}>Upgrade to Team</button>
                </div>
              ) : !billingEnabled() ? <p class="hint">Upgrades are not offered on this server.</p> : null}
            </>
          )}
        </section>
        <ChangePassword session={session} />
        <RecoveryKeySection key={rotations} session={session} />
        <RotateKeys session={session} onRotated={() => setRotations((n) => n + 1)} />
        <TwoStepLogin session={session} />
        <Passkeys session={session} />
        <ExportAccount session={session} />
        <DeleteAccount session={session} />
      </main>
    </>
  );
}

/** A subscription's state in words; nothing when there is nothing to say (no subscription, or it is paid). */
function statusNote(status: string | null | undefined): string {
  const words: Record<string, string> = {
    trialing: 'trial',
    past_due: 'payment overdue',
    unpaid: 'unpaid',
    paused: 'paused',
    incomplete: 'payment not finished',
    canceled: 'cancelled',
    incomplete_expired: 'payment never finished',
  };
  return status && words[status] ? ` (${words[status]})` : '';
}

function ChangePassword({ session }: { session: VaultSession }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    if (next.length < 10) {
      setFailure({ kind: 'other', message: 'Choose a new password of at least 10 characters.' });
      return;
    }
    if (next !== repeat) {
      setFailure({ kind: 'other', message: 'The two new passwords differ.' });
      return;
    }
    setBusy(true);
    try {
      await session.changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      toast('Password changed. Other devices are signed out.');
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label="Change password">
      <h2>Change password</h2>
      <form onSubmit={submit}>
        {/* For password managers: which account this password belongs to. */}
        <input type="email" name="email" autoComplete="username" value={session.email} hidden readOnly />
        <label>Current password <input type="password" name="current-password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} /></label>
        <label>New password <input type="password" name="new-password" autoComplete="new-password" required value={next} onInput={(e) => setNext(e.currentTarget.value)} /></label>
        <label>Repeat new password <input type="password" name="repeat-password" autoComplete="new-password" required value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} /></label>
        <ErrorMessage failure={failure} />
        <button type="submit" disabled={busy}>{busy ? 'Re-sealing your keys…' : 'Change password'}</button>
      </form>
    </section>
  );
}

function RotateKeys({ session, onRotated }: { session: VaultSession; onRotated: () => void }) {
  const [phase, setPhase] = useState<'idle' | 'running' | 'done'>('idle');
  const [result, setResult] = useState<string>('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const rotate = async () => {
    setPhase('running');
    setFailure(null);
    try {
      const { keyVersion, maps } = await session.rotateKeys();
      setResult(`New keys (version ${keyVersion}); ${maps} map${maps === 1 ? '' : 's'} re-wrapped.`);
      setPhase('done');
      onRotated();
    } catch (error) {
      setFailure(describeFailure(error));
      setPhase('idle');
    }
  };
  return (
    <section aria-label="Rotate keys">
      <h2>Rotate keys</h2>
      <p class="hint">
        Your maps are locked with keys only your password opens. Rotate them if you fear a device or
        a copy of your keys was exposed: new key pairs are made here and every map's key is re-locked
        for them, so the old keys open nothing new. Maps, versions and share links keep working; it
        takes a moment per map. Your recovery key locks the old keys, so it stops working: make a
        new one afterwards.
      </p>
      {phase === 'running' ? (
        <div class="usage"><progress aria-label="Rotating keys" /> <span>Generating keys and re-wrapping every map…</span></div>
      ) : (
        <button type="button" onClick={() => void rotate()}>Rotate keys</button>
      )}
      {phase === 'done' ? <p role="status">{result}</p> : null}
      <ErrorMessage failure={failure} />
    </section>
  );
}
