/** Where the HTTP client keeps the session's token pair. */
import type { TokenPair } from './schema.js';

/**
 * Persists the current token pair. The server spends a refresh token on first use and treats a
 * second use as theft (the whole family is revoked), so a refreshed pair must be saved before it
 * is used, and two holders of the same pair must never refresh it at the same time.
 */
export interface TokenStore {
  /** The current pair; undefined when signed out. */
  load(): Promise<TokenPair | undefined>;
  /** Replaces the pair; undefined signs out. */
  save(tokens: TokenPair | undefined): Promise<void>;
  /**
   * Runs `work` while no other holder of this store (another CLI process, another browser tab
   * through the Web Locks API) runs its own. The HTTP client refreshes inside it and re-reads the
   * store first, adopting a pair someone else already refreshed. Without it, refreshes are still
   * single-flight within one client instance.
   */
  exclusive?<T>(work: () => Promise<T>): Promise<T>;
}

/** The default: a pair held in memory for the life of the client. */
export class MemoryTokenStore implements TokenStore {
  constructor(private tokens?: TokenPair) {}

  async load(): Promise<TokenPair | undefined> {
    return this.tokens;
  }

  async save(tokens: TokenPair | undefined): Promise<void> {
    this.tokens = tokens;
  }
}
