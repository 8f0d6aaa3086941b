import { useEffect } from 'preact/hooks';
import { mayLeave } from '../router';
import { currentSession, setCurrentSession } from './current-session';

/** Minutes without a key press or pointer move after which the keys are wiped. */
export const IDLE_LOCK_MINUTES = 15;

const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * An unattended unlocked tab locks itself: the keys are wiped and the locked screen asks for the
 * password, as after a reload. Edits are saved first; a tab whose edits cannot be saved (offline,
 * quota, conflict) stays open rather than lose them, and tries again after the next idle period.
 */
export function useIdleLock(minutes = IDLE_LOCK_MINUTES): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const lockIfIdle = async () => {
      if (currentSession() === null) return;
      if (await mayLeave(false)) setCurrentSession(null);
      else arm();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void lockIfIdle(), minutes * 60_000);
    };
    for (const event of ACTIVITY) window.addEventListener(event, arm, { passive: true, capture: true });
    arm();
    return () => {
      clearTimeout(timer);
      for (const event of ACTIVITY) window.removeEventListener(event, arm, { capture: true });
    };
  }, [minutes]);
}
