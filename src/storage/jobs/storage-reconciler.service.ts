import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { UnitOfWork } from '../../database/unit-of-work';
import { isBlobKey } from '../blob-key';
import { BlobStore, StoredObject } from '../ports/blob-store';
import { DeletionHold } from '../ports/deletion-hold';
import { OrphanLedger } from '../ports/orphan-ledger';
import { UsageLedger } from '../ports/usage-ledger';
import type { ReconcileReport } from '../domain/reconcile-run';
import { ReconcileRunRepository } from '../ports/reconcile-run.repository';
import { StorageInventory } from '../ports/storage-inventory';
import { StoreOwnershipService } from '../store-ownership.service';

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
 *
 * It deletes only what it can show is its own to delete: nothing at all from a store that is not
 * this database's (StoreOwnershipService), only keys of the server's own shape, and nothing in a
 * run that would delete more than the configured share of the store (a first pass counts, a
 * second deletes at most that count). A refusal is logged loudly and kept in the run's report,
 * which the admin stats and the metrics show.
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
    private readonly ownership: StoreOwnershipService,
    private readonly hold: DeletionHold,
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
        deletionsDeferred: 0,
        deletionsRefused: 0,
        refusal: null,
        usageCorrections: [],
        usageCorrectionCount: 0,
      };
      const ownership = await this.ownership.settle();
      if (ownership.owned) {
        await this.settleLedger(report);
        report.staleUploadsRemoved = await this.blobs.removeStaleUploads(this.uploadCutoff());
        await this.sweepObjects(report);
      } else {
        this.refuse(report, ownership.reason);
      }
      report.reservationsExpired = await this.usage.purgeExpiredReservations();
      await this.recountUsage(report);
      await this.runs.finish(runId, report);
      this.logger.log(
        `reconcile ${runId}: ${report.objectsScanned} objects scanned, ${report.orphansDeleted} orphans deleted ` +
          `(${report.orphanBytesDeleted} bytes, ${report.orphanDeleteFailures} failed, ${report.deletionsDeferred} deferred), ${report.ledgerEntriesSettled} ledger ` +
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
      const settled = await this.underHold(report, keys.length, async () => {
        for (const key of keys) {
          if (!referenced.has(key) && !(await this.tryDelete(key, report))) continue;
          await this.orphans.forget(key);
          report.ledgerEntriesSettled++;
        }
      });
      if (!settled || keys.length < RECONCILE_BATCH) return;
      after = keys[keys.length - 1];
    }
  }

  /**
   * Runs a page of deletions unless a backup holds the store (see DeletionHold); then the page's
   * `count` deletions are deferred to the next sweep, and false says the pass should stop.
   */
  private async underHold(report: ReconcileReport, count: number, deletePage: () => Promise<void>): Promise<boolean> {
    if (await this.hold.unlessBackingUp(deletePage)) return true;
    report.deletionsDeferred += count;
    this.logger.warn('a backup is running: deletions wait for the next sweep');
    return false;
  }

  private refuse(report: ReconcileReport, reason: string): void {
    report.deletionsRefused = 1;
    report.refusal = reason;
    this.logger.error(`RECONCILE DELETED NOTHING: ${reason}`);
  }

  private async sweepObjects(report: ReconcileReport): Promise<void> {
    const cutoff = Date.now() - this.config.maintenance.orphanGraceS * 1000;
    let orphans = 0;
    await this.eachUnreferenced(cutoff, (objects) => {
      orphans += objects.length;
      return Promise.resolve(true);
    }, report);
    const { maxDeleteShare, deleteAlwaysAllowed } = this.config.maintenance;
    const allowed = Math.max(deleteAlwaysAllowed, Math.floor(report.objectsScanned * maxDeleteShare));
    if (orphans > allowed) {
      this.refuse(
        report,
        `${orphans} of the store's ${report.objectsScanned} objects are unreferenced, more than RECONCILE_MAX_DELETE_SHARE ` +
          `(${maxDeleteShare}) allows in one run (${allowed}): is this the database the store belongs to? ` +
          'Check, then raise the share for one run if they really are orphans',
      );
      return;
    }
    // The second pass deletes what it finds unreferenced again, never more than the first pass counted.
    let budget = orphans;
    await this.eachUnreferenced(cutoff, async (objects) => {
      const page = objects.slice(0, budget);
      budget -= page.length;
      const deleted = await this.underHold(report, page.length, async () => {
        for (const object of page) await this.deleteOrphan(object, report);
      });
      return deleted && budget > 0;
    });
  }

  /**
   * Walks the store's objects of the server's own key shape, older than `cutoff`, handing each page
   * of those no version row references to `visit` until it answers false. Counts what it lists
   * into `report` when given one (the first pass).
   */
  private async eachUnreferenced(cutoff: number, visit: (objects: StoredObject[]) => Promise<boolean>, report?: ReconcileReport): Promise<void> {
    let batch: StoredObject[] = [];
    const flush = async () => {
      const referenced = await this.inventory.referencedKeys(batch.map((o) => o.key));
      const unreferenced = batch.filter((o) => !referenced.has(o.key));
      batch = [];
      return unreferenced.length === 0 || visit(unreferenced);
    };
    for await (const object of this.blobs.list('')) {
      if (!isBlobKey(object.key)) continue;
      if (report) report.objectsScanned++;
      if (object.lastModified.getTime() > cutoff) continue;
      batch.push(object);
      if (batch.length >= RECONCILE_BATCH && !(await flush())) return;
    }
    if (batch.length > 0) await flush();
  }

  private async deleteOrphan(object: StoredObject, report: ReconcileReport): Promise<void> {
    if (await this.tryDelete(object.key, report)) {
      report.orphansDeleted++;
      report.orphanBytesDeleted += object.sizeBytes;
    } else {
      await this.orphans.record(object.key, 'reconcile: delete failed');
    }
  }

  /** Only under the hold (underHold). */
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
