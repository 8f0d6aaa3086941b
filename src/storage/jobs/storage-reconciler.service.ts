import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { UnitOfWork } from '../../database/unit-of-work';
import { BlobStore, StoredObject } from '../ports/blob-store';
import { OrphanLedger } from '../ports/orphan-ledger';
import { UsageLedger } from '../ports/usage-ledger';
import type { ReconcileReport } from '../domain/reconcile-run';
import { ReconcileRunRepository } from '../ports/reconcile-run.repository';
import { StorageInventory } from '../ports/storage-inventory';

/** Keys, objects or users per database round trip; what the sweep holds at once, whatever the store's size. */
export const RECONCILE_BATCH = 500;
/** Corrections listed in a report; the count covers the rest. */
const MAX_LISTED_CORRECTIONS = 100;

/**
 * The reconcile sweep: settles the orphan ledger, deletes stored objects that no version row
 * references once they are older than the grace period (younger ones may belong to an upload
 * whose row is about to commit), then recomputes every user's usage counter from their version
 * rows. Idempotent, and safe beside live traffic: each user's counter is recomputed under the
 * same row lock uploads, prunes and deletes take. Its memory is flat in the number of objects,
 * ledger entries and users: each is walked in pages of RECONCILE_BATCH, checked against the
 * database one page per query, and nothing is kept from one page to the next.
 */
@Injectable()
export class StorageReconciler {
  private readonly logger = new Logger('StorageReconciler');

  constructor(
    private readonly blobs: BlobStore,
    private readonly orphans: OrphanLedger,
    private readonly usage: UsageLedger,
    private readonly inventory: StorageInventory,
    private readonly runs: ReconcileRunRepository,
    private readonly uow: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  async run(runId: string): Promise<ReconcileReport> {
    await this.runs.markRunning(runId);
    try {
      const report: ReconcileReport = {
        objectsScanned: 0,
        orphansDeleted: 0,
        orphanBytesDeleted: 0,
        orphanDeleteFailures: 0,
        ledgerEntriesSettled: 0,
        staleUploadsRemoved: 0,
        reservationsExpired: 0,
        usersChecked: 0,
        usageCorrections: [],
        usageCorrectionCount: 0,
      };
      await this.settleLedger(report);
      report.staleUploadsRemoved = await this.blobs.removeStaleUploads(this.uploadCutoff());
      report.reservationsExpired = await this.usage.purgeExpiredReservations();
      await this.sweepObjects(report);
      await this.recountUsage(report);
      await this.runs.finish(runId, report);
      this.logger.log(
        `reconcile ${runId}: ${report.objectsScanned} objects scanned, ${report.orphansDeleted} orphans deleted ` +
          `(${report.orphanBytesDeleted} bytes, ${report.orphanDeleteFailures} failed), ${report.ledgerEntriesSettled} ledger ` +
          `entries settled, ${report.staleUploadsRemoved} stale uploads removed, ${report.reservationsExpired} reservations expired, ` +
          `${report.usersChecked} users checked, ${report.usageCorrectionCount} usage counters corrected`,
      );
      return report;
    } catch (error) {
      await this.runs.fail(runId, describe(error)).catch(() => undefined);
      throw error;
    }
  }

  /** No upload older than its time limit is still running: leftovers of older ones are dead. */
  private uploadCutoff(): Date {
    return new Date(Date.now() - this.config.uploads.reservationTtlS * 1000);
  }

  /** Objects the janitor could not delete: gone now unless a version row references them after all. */
  private async settleLedger(report: ReconcileReport): Promise<void> {
    // Keyset pages in key order: an entry that fails again stays in the ledger behind the cursor,
    // so the pass moves on without remembering what it tried.
    let after: string | undefined;
    for (;;) {
      const keys = await this.orphans.list(RECONCILE_BATCH, after);
      if (keys.length === 0) return;
      const referenced = await this.inventory.referencedKeys(keys);
      for (const key of keys) {
        if (!referenced.has(key) && !(await this.tryDelete(key, report))) continue;
        await this.orphans.forget(key);
        report.ledgerEntriesSettled++;
      }
      if (keys.length < RECONCILE_BATCH) return;
      after = keys[keys.length - 1];
    }
  }

  private async sweepObjects(report: ReconcileReport): Promise<void> {
    const cutoff = Date.now() - this.config.maintenance.orphanGraceS * 1000;
    let batch: StoredObject[] = [];
    for await (const object of this.blobs.list('')) {
      report.objectsScanned++;
      if (object.lastModified.getTime() > cutoff) continue;
      batch.push(object);
      if (batch.length >= RECONCILE_BATCH) {
        await this.deleteUnreferenced(batch, report);
        batch = [];
      }
    }
    await this.deleteUnreferenced(batch, report);
  }

  private async deleteUnreferenced(objects: StoredObject[], report: ReconcileReport): Promise<void> {
    const referenced = await this.inventory.referencedKeys(objects.map((o) => o.key));
    for (const object of objects) {
      if (referenced.has(object.key)) continue;
      if (await this.tryDelete(object.key, report)) {
        report.orphansDeleted++;
        report.orphanBytesDeleted += object.sizeBytes;
      } else {
        await this.orphans.record(object.key, 'reconcile: delete failed');
      }
    }
  }

  private async tryDelete(key: string, report: ReconcileReport): Promise<boolean> {
    try {
      await this.blobs.delete(key);
      return true;
    } catch (error) {
      report.orphanDeleteFailures++;
      this.logger.error(`could not delete orphaned object ${key}: ${describe(error)}`);
      return false;
    }
  }

  private async recountUsage(report: ReconcileReport): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const userIds = await this.inventory.userIdsAfter(after, RECONCILE_BATCH);
      for (const userId of userIds) {
        const correction = await this.uow.run(async () => {
          const counted = await this.usage.lock(userId);
          const actual = await this.inventory.chargedBytesOf(userId, this.config.charges);
          if (counted === actual) return undefined;
          await this.usage.set(userId, actual);
          return { userId, fromBytes: counted, toBytes: actual };
        });
        report.usersChecked++;
        if (!correction) continue;
        this.logger.warn(`usage of user ${userId} was ${correction.fromBytes} bytes, its rows are charged ${correction.toBytes}`);
        report.usageCorrectionCount++;
        if (report.usageCorrections.length < MAX_LISTED_CORRECTIONS) report.usageCorrections.push(correction);
      }
      if (userIds.length < RECONCILE_BATCH) return;
      after = userIds[userIds.length - 1];
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
