import type { SessionQuery } from '../../database/sql-client';

/**
 * Deletions of stored objects and backups exclude each other. A backup copies the objects its
 * database snapshot references; an object whose row was deleted after that snapshot must still be
 * there when the backup reads it. So while a backup holds the store, no object is deleted: each
 * deletion is deferred to the orphan ledger, and the next sweep after the backup does it.
 */
export abstract class DeletionHold {
  /** Runs `remove` unless a backup holds the store; answers false, running nothing, when one does. */
  abstract unlessBackingUp(remove: () => Promise<void>): Promise<boolean>;
  /**
   * Runs a backup's `work` on a database snapshot taken once the deletions under way have ended;
   * every later deletion is deferred until `work` ends, so what the snapshot references stays stored.
   */
  abstract withSnapshotHeld<T>(work: (query: SessionQuery) => Promise<T>): Promise<T>;
}
