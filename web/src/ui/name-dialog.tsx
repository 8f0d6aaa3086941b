import { useState } from 'preact/hooks';
import { Dialog } from './dialog';

/** A version name is 1..256 UTF-8 bytes (crypto.md §7a); a map's title is held to the same here. */
const MAX_NAME_BYTES = 256;

/**
 * Asks for a name: a version's ("Before the reorg", which also pins it) or a new map's. `save`
 * does the work and may fail (with a message a person can read); the dialog stays open then.
 */
export function NameDialog(props: {
  title: string;
  intro: string;
  initialName?: string;
  placeholder?: string;
  confirmLabel: string;
  save: (name: string) => Promise<void>;
  onClose: () => void;
}) {
  const [name, setName] = useState(props.initialName ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setProblem('Give it a name.');
    if (new TextEncoder().encode(trimmed).length > MAX_NAME_BYTES) return setProblem('That name is too long: keep it under about 80 characters.');
    setBusy(true);
    setProblem(null);
    try {
      await props.save(trimmed);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };

  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <p class="hint">{props.intro}</p>
        <label>
          Name
          <input value={name} maxLength={120} autoFocus onInput={(e) => setName(e.currentTarget.value)} placeholder={props.placeholder} />
        </label>
        {problem ? <p class="error" role="alert">{problem}</p> : null}
        <div class="actions">
          <button type="button" onClick={props.onClose}>Cancel</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? 'Saving…' : props.confirmLabel}</button>
        </div>
      </form>
    </Dialog>
  );
}
