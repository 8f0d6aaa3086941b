import { useEffect, useRef, useState } from 'preact/hooks';

export interface MenuItem {
  label: string;
  run: () => void;
}

/** A button that opens a list of actions; Escape or a click elsewhere closes it. */
export function Menu({ label, items }: { label: string; items: MenuItem[] }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', close, true);
    document.addEventListener('keydown', close, true);
    return () => {
      document.removeEventListener('pointerdown', close, true);
      document.removeEventListener('keydown', close, true);
    };
  }, [open]);
  return (
    <div class="menu" ref={root}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>{label}</button>
      {open ? (
        <div class="menu-items" role="menu" aria-label={label}>
          {items.map((item) => (
            <button type="button" role="menuitem" key={item.label} onClick={() => { setOpen(false); item.run(); }}>{item.label}</button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
