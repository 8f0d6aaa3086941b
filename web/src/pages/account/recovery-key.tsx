import { useEffect, useState } from 'preact/hooks';
import { describeFailure, type Failure } from '../../session/failures';
import type { VaultSession } from '../../session/vault-session';
import { ErrorMessage } from '../../ui/error-message';
import { toast } from '../../ui/toast';
import { RecoveryKit } from './recovery-kit';

type Phase = { step: 'loading' } | { step: 'status'; enabled: boolean; createdAt: string | null } | { step: 'kit'; words: string };

/** Whether a recovery key can reset the password, and a new one on demand (the password asked again). */
export function RecoveryKeySection({ session }: { session: VaultSession }) {
  const [phase, setPhase] = useState<Phase>({ step: 'loading' });
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  const refresh = () =>
    session.recoveryStatus().then(
      (s) => setPhase({ step: 'status', ...s }),
      (error: unknown) => setFailure(describeFailure(error)),
    );
  useEffect(() => void refresh(), [session]);

  const make = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    setBusy(true);
    try {
      const words = await session.createRecoveryKey(password);
      setPassword('');
      setPhase({ step: 'kit', words });
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  if (phase.step === 'kit') {
    return <RecoveryKit words={phase.words} email={session.email} doneLabel="Done" onDone={() => { toast('New recovery key saved. The old one no longer works.'); void refresh(); }} />;
  }
  return (
    <section aria-label="Recovery key">
      <h2>Recovery key</h2>
      {phase.step === 'loading' ? <p>Loading…</p> : phase.enabled ? (
        <p role="status">A recovery key can reset your password (made {phase.createdAt?.slice(0, 10)}). Making a new one voids the old words.</p>
      ) : (
        <p role="status" class="warning">
          <strong>You have no recovery key.</strong> Nobody can reset your password: if you forget it, every map is lost for good.
          Make one now. (Rotating keys voids a recovery key, since it locks the old keys.)
        </p>
      )}
      <form onSubmit={make}>
        <label>Password <input type="password" name="recovery-password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
        <ErrorMessage failure={failure} />
        <button type="submit" disabled={busy || phase.step === 'loading'}>{phase.step === 'status' && phase.enabled ? 'Make a new recovery key' : 'Make a recovery key'}</button>
      </form>
    </section>
  );
}
