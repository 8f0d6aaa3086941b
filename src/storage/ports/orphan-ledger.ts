/**
 * Stored objects that lost their version row and could not be deleted at once (the blob store
 * failed during a compensation or a prune). The sweeper retries them; nothing here is user data.
 */
export abstract class OrphanLedger {
  abstract record(objectKey: string, reason: string): Promise<void>;
  /** Up to `limit` keys in key order, after `after` when given: a keyset page, so a pass over a long ledger holds one page. */
  abstract list(limit: number, after?: string): Promise<string[]>;
  abstract forget(objectKey: string): Promise<void>;
}
