import { useEffect, useState } from 'preact/hooks';

/** A button beside the notice (Undo); the notice goes once it is pressed. */
export interface ToastAction {
  label: string;
  run: () => void;
}

interface Toast {
  id: number;
  message: string;
  action?: ToastAction;
}

/** How long a notice stays, ms; one with an action stays longer, to leave time to press it. */
const SHOWN_MS = 5000;
const SHOWN_WITH_ACTION_MS = 10_000;

let next = 1;
let toasts: Toast[] = [];
const listeners = new Set<(t: Toast[]) => void>();

const dismiss = (item: Toast) => {
  toasts = toasts.filter((t) => t !== item);
  listeners.forEach((l) => l(toasts));
};

/** A short notice at the bottom of the screen; it goes after a few seconds. */
export function toast(message: string, action?: ToastAction): void {
  const item: Toast = { id: next++, message, ...(action ? { action } : {}) };
  toasts = [...toasts, item];
  listeners.forEach((l) => l(toasts));
  setTimeout(() => dismiss(item), action ? SHOWN_WITH_ACTION_MS : SHOWN_MS);
}

export function Toasts() {
  const [items, setItems] = useState(toasts);
  useEffect(() => {
    listeners.add(setItems);
    return () => void listeners.delete(setItems);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {items.map((t) => (
        <div class="toast" key={t.id}>
          {t.message}
          {t.action ? (
            <button type="button" class="toast-action" onClick={() => { dismiss(t); t.action!.run(); }}>{t.action.label}</button>
          ) : null}
        </div>
      ))}
    </div>
  );
}
