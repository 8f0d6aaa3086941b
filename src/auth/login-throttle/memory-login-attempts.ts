import { ATTEMPTS_MEMORY_S, BackoffPolicy, LoginAttempts, lockAfter } from '../ports/login-attempts';

interface Entry {
  attempts: number;
  lockedUntilMs: number;
  lastMs: number;
}

/** Most accounts remembered at once; the oldest are forgotten first beyond it. */
const MAX_ENTRIES = 100_000;

/** One process's count (no REDIS_URL): enough for a single API process. */
export class MemoryLoginAttempts extends LoginAttempts {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  override async take(account: string, policy: BackoffPolicy): Promise<number> {
    const now = this.now();
    let entry = this.entries.get(account);
    if (entry && now - entry.lastMs > ATTEMPTS_MEMORY_S * 1000) entry = undefined;
    if (entry && now < entry.lockedUntilMs) return Math.ceil((entry.lockedUntilMs - now) / 1000);
    const attempts = (entry?.attempts ?? 0) + 1;
    this.entries.delete(account);
    this.entries.set(account, { attempts, lockedUntilMs: now + lockAfter(attempts, policy) * 1000, lastMs: now });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    return 0;
  }

  override async clear(account: string): Promise<void> {
    this.entries.delete(account);
  }
}
