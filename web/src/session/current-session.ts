import { useEffect, useState } from 'preact/hooks';
import type { VaultSession } from './vault-session';

/** The page's one unlocked session, or null (signed out, or locked after a reload). */
let current: VaultSession | null = null;
const listeners = new Set<() => void>();

export function currentSession(): VaultSession | null {
  return current;
}

export function setCurrentSession(session: VaultSession | null): void {
  if (current !== null && current !== session) current.lock();
  current = session;
  for (const listener of listeners) listener();
}

export function useSession(): VaultSession | null {
  const [session, setSession] = useState(current);
  useEffect(() => {
    const update = () => setSession(current);
    listeners.add(update);
    update();
    return () => void listeners.delete(update);
  }, []);
  return session;
}
