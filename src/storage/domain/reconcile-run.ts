/** What one reconcile sweep found and fixed. */
export interface ReconcileReport {
  /** Objects the blob store listed. */
  objectsScanned: number;
  /** Objects no version row referenced, older than the grace period, now deleted. */
  orphansDeleted: number;
  orphanBytesDeleted: number;
  /** Orphans that could not be deleted this time (recorded in the orphan ledger for the next run). */
  orphanDeleteFailures: number;
  /** Orphan-ledger entries settled (deleted, or found referenced after all). */
  ledgerEntriesSettled: number;
  /** Leftovers of uploads that can no longer be running (older than the upload time limit), removed. */
  staleUploadsRemoved: number;
  /** Upload reservations past their end (their process died), released. */
  reservationsExpired: number;
  usersChecked: number;
  /** Deletions a running backup deferred to the orphan ledger (the next sweep does them). */
  deletionsDeferred: number;
  /**
   * 1 when the sweep deleted nothing because deleting was not safe: the store is not this
   * database's, or it would have deleted too large a share of the store. `refusal` says which.
   */
  deletionsRefused: number;
  refusal: string | null;
  /** Users whose usage counter disagreed with their version rows, and the correction. */
  usageCorrections: { userId: string; fromBytes: number; toBytes: number }[];
  /** The first corrections only; this counts them all. */
  usageCorrectionCount: number;
}

export type ReconcileStatus = 'queued' | 'running' | 'done' | 'failed';

export interface ReconcileRun {
  id: string;
  requestedBy: string | null;
  status: ReconcileStatus;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  report: ReconcileReport | null;
  error: string | null;
}
