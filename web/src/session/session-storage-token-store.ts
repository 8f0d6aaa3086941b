import type { TokenPair, TokenStore } from '@mindvault/client';

const KEY = 'mindvault.session';

/** What survives a reload of this tab: the email and the token pair, never a key or a password. */
export interface StoredSession {
  email: string;
  tokens: TokenPair;
}

/**
 * Keeps the session's token pair in this tab's sessionStorage (gone when the tab closes), so a
 * reload can unlock with the password alone instead of signing in again. Tokens reach
 * ciphertext only; every key is derived from the password and held in memory.
 */
export class SessionStorageTokenStore implements TokenStore {
  constructor(private readonly email: string) {}

  async load(): Promise<TokenPair | undefined> {
    const stored = readStoredSession();
    return stored?.email === this.email ? stored.tokens : undefined;
  }

  async save(tokens: TokenPair | undefined): Promise<void> {
    if (tokens === undefined) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, JSON.stringify({ email: this.email, tokens } satisfies StoredSession));
  }
}

export function readStoredSession(): StoredSession | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw === null) return undefined;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    return typeof parsed.email === 'string' && typeof parsed.tokens?.refreshToken === 'string' ? (parsed as StoredSession) : undefined;
  } catch {
    return undefined;
  }
}

export function forgetStoredSession(): void {
  sessionStorage.removeItem(KEY);
}
