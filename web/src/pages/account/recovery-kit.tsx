import { useState } from 'preact/hooks';

/**
 * A recovery key's words, shown once, as a kit to print or write down: it names the account and
 * the server it belongs to, and says what it can do in the wrong hands. Printing shows the kit
 * alone (app.css, @media print).
 */
export function RecoveryKit({ words, email, onDone, doneLabel }: { words: string; email: string; onDone: () => void; doneLabel: string }) {
  const [saved, setSaved] = useState(false);
  return (
    <section class="recovery-kit" aria-label="Recovery kit">
      <h2>Your recovery key</h2>
      <p>
        If you forget your password, these 12 words are the only way back into your maps: nobody else,
        not even this server, can reset it. Write them down or print this page, and keep it somewhere
        safe and offline. They are shown only now.
      </p>
      <dl class="kit-facts">
        <dt>Account</dt>
        <dd aria-label="Kit account">{email}</dd>
        <dt>Server</dt>
        <dd aria-label="Kit server">{location.origin}</dd>
        <dt>Made on</dt>
        <dd>{new Date().toISOString().slice(0, 10)}</dd>
      </dl>
      <ol class="recovery-words" aria-label="Recovery key words">
        {words.split(' ').map((word, i) => <li key={i}><code>{word}</code></li>)}
      </ol>
      <p class="hint">
        To use it: “Forgot password?” on the login page, then these words and a new password. Whoever
        has these words can set a new password for this account and read your maps; a used or
        replaced key stops working.
      </p>
      <div class="actions no-print">
        <button type="button" onClick={() => window.print()}>Print recovery kit</button>
      </div>
      <label class="check no-print">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} /> I have written down or printed my recovery key
      </label>
      <button type="button" class="primary no-print" disabled={!saved} onClick={onDone}>{doneLabel}</button>
    </section>
  );
}
