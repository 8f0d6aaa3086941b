import { useEffect, useState } from 'preact/hooks';

interface Toast {
  id: number;
  message: string;
}

let next = 1;
let toasts: Toast[] = [];
const listeners = new Set<(t: Toast[]) => void>();

/** A short notice at the bottom of the screen; it goes after a few seconds. */
export function toast(message: string): void {
  const item = { id: next++, message };
  toasts = [...toasts, item];
  listeners.forEach((l) => l(toasts));
  setTimeout(() => {
    toasts = toasts.filter((t) => t !== item);
    listeners.forEach((l) => l(toasts));
  }, 5000);
}

export function Toasts() {
  const [items, setItems] = useState(toasts);
  useEffect(() => {
    listeners.add(setItems);
    return () => void listeners.delete(setItems);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {items.map((t) => <div class="toast" key={t.id}>{t.message}</div>)}
    </div>
  );
}
