import { onLinkClick } from '../router';
import type { Failure } from '../session/failures';

/** A failure as a page shows it; quota errors carry the way out (upgrade). */
export function ErrorMessage({ failure }: { failure: Failure | null }) {
  if (failure === null) return null;
  return (
    <p class={`error error-${failure.kind}`} role="alert">
      {failure.message}
      {failure.kind === 'quota-exceeded' || failure.kind === 'plan-limit' ? <> <a href="/account" onClick={onLinkClick}>See plans and upgrade</a></> : null}
    </p>
  );
}
