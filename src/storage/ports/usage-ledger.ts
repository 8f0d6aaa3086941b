/** Outcome of a conditional add: `usageBytes` is the counter after (ok) or as found (refused). */
export type UsageAddResult = { ok: true; usageBytes: number } | { ok: false; usageBytes: number };

/**
 * Each user's stored bytes, all versions counted: one counter row per user, never derived by
 * listing the blob store. `tryAdd` is a single conditional statement, so concurrent callers can
 * never push a counter past `limitBytes`. Joins the caller's UnitOfWork transaction.
 */
export abstract class UsageLedger {
  abstract usageOf(userId: string): Promise<number>;
  abstract tryAdd(userId: string, bytes: number, limitBytes: number): Promise<UsageAddResult>;
  abstract subtract(userId: string, bytes: number): Promise<void>;
  /**
   * Locks the user's counter until the transaction ends (creating it at 0), waiting for any
   * upload, prune or delete of that user in flight; returns the counter. Call inside a transaction.
   */
  abstract lock(userId: string): Promise<number>;
  /** Overwrites the counter: only for the reconcile job, under `lock`. */
  abstract set(userId: string, bytes: number): Promise<void>;
}
