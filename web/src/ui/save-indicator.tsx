import type { SaveState } from '../pages/editor/map-sync';

const LABELS: Record<SaveState, string> = {
  saved: 'Saved',
  unsaved: 'Unsaved changes',
  saving: 'Saving…',
  failed: 'Save failed',
  offline: 'Offline: edits kept on this device',
  conflict: 'Changed here and elsewhere',
};

export function SaveIndicator({ state, onRetry }: { state: SaveState; onRetry: () => void }) {
  return (
    <span class={`save-indicator save-${state}`}>
      <span role="status" aria-label="Save state" data-state={state}>{LABELS[state]}</span>
      {state === 'failed' ? <button type="button" class="link" onClick={onRetry}>Retry</button> : null}
    </span>
  );
}
