import type { Charges } from '../domain/charge';

/**
 * What the reconcile sweep compares the blob store and the usage counters against: the version
 * rows. Read-only; never called per request.
 */
export abstract class StorageInventory {
  /** Those of `keys` that a version row references. */
  abstract referencedKeys(keys: string[]): Promise<Set<string>>;
  /**
   * What the user's rows are charged: each version row's `versionCharge` plus `mapBytes` per map.
   * What the usage counter should say.
   */
  abstract chargedBytesOf(userId: string, charges: Charges): Promise<number>;
  /** User ids in id order, after `afterId` (null: from the start). */
  abstract userIdsAfter(afterId: string | null, limit: number): Promise<string[]>;
}
