/** How a run of failed logins on one account slows down further tries. */
export interface BackoffPolicy {
  /** Attempts that go ahead at once; the next must wait 1 s after the last, the one after 2 s, 4 s, … */
  freeAttempts: number;
  /** … up to this many seconds. */
  maxBackoffS: number;
}

/** How long a run of attempts is remembered after the last one, in seconds. */
export const ATTEMPTS_MEMORY_S = 24 * 3600;

/**
 * Login attempts per account (keyed by a hash of the email, whether or not the account exists, so
 * the answer never tells which emails have one). An attempt is counted when it starts, not when it
 * fails, so parallel guesses cannot all slip in before the first failure is recorded.
 */
export abstract class LoginAttempts {
  /** Counts an attempt at `account`: 0 if it may go ahead, else the seconds to wait (not counted). */
  abstract take(account: string, policy: BackoffPolicy): Promise<number>;
  /** After a successful login: the account's count starts over. */
  abstract clear(account: string): Promise<void>;
}

/**
 * Seconds the account is locked after its `attempts`-th attempt: 0 before the free attempts are
 * spent, then 1 s after the last free one (so attempt free + 1 waits), doubling up to the cap.
 */
export function lockAfter(attempts: number, policy: BackoffPolicy): number {
  const over = attempts - policy.freeAttempts;
  return over < 0 ? 0 : Math.min(2 ** Math.min(over, 30), policy.maxBackoffS);
}
