/**
 * What the reconcile sweep compares the blob store and the usage counters against: the version
 * rows. Read-only; never called per request.
 */
export abstract class StorageInventory {
  /** Those of `keys` that a version row references. */
  abstract referencedKeys(keys: string[]): Promise<Set<string>>;
  /** Bytes of all the user's version rows: what the usage counter should say. */
  abstract storedBytesOf(userId: string): Promise<number>;
  /** User ids in id order, after `afterId` (null: from the start). */
  abstract userIdsAfter(afterId: string | null, limit: number): Promise<string[]>;
}
