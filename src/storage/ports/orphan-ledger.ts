/**
 * Stored objects that lost their version row and could not be deleted at once (the blob store
 * failed during a compensation or a prune). The sweeper retries them; nothing here is user data.
 */
export abstract class OrphanLedger {
  abstract record(objectKey: string, reason: string): Promise<void>;
  abstract list(limit: number): Promise<string[]>;
  abstract forget(objectKey: string): Promise<void>;
}
