import { Injectable, Logger } from '@nestjs/common';
import { OrphanLedger } from './ports/orphan-ledger';
import { BlobStore } from './ports/blob-store';
import { DeletionHold } from './ports/deletion-hold';

/** Deletions a batch runs at once: each is a round trip to the store, so one at a time mostly waits. */
export const DISCARD_LANES = 4;

/** Tries of one discard() before its object is left to the ledger and the sweeper. */
const DISCARD_ATTEMPTS = 3;

/** One object to delete, with the ids that explain it should its deletion fail. */
export interface Discard {
  objectKey: string;
  ids: Record<string, string>;
}

/**
 * Deletes objects whose rows are gone. A delete that fails is logged loudly with the ids that
 * explain it and written to the orphan ledger, so the sweeper finishes the job later; so is one
 * that a running backup defers (the backup may still need the object).
 */
@Injectable()
export class ObjectJanitor {
  private readonly logger = new Logger('ObjectJanitor');

  constructor(
    private readonly blobs: BlobStore,
    private readonly orphans: OrphanLedger,
    private readonly hold: DeletionHold,
  ) {}

  async discard(objectKey: string, reason: string, ids: Record<string, string>): Promise<void> {
    // The hold needs a database connection as much as the delete needs the store: a connection
    // lost between them (a failover, a killed backend) is tried again on a fresh one, a few times,
    // before the object is left to the ledger and the sweeper. Deletes are idempotent.
    for (let attempt = 1; ; attempt++) {
      try {
        if (!(await this.hold.unlessBackingUp(() => this.blobs.delete(objectKey)))) {
          await this.orphans.record(objectKey, `${reason} (deferred: a backup was running)`);
        }
        return;
      } catch (error) {
        if (attempt < DISCARD_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
          continue;
        }
        this.orphaned(objectKey, reason, ids, error);
        await this.ledger(objectKey, reason, ids);
        return;
      }
    }
  }

  /**
   * Deletes a batch of objects (a thinning batch): the hold is taken once for the batch rather
   * than once per object, and the deletions run on DISCARD_LANES lanes. Each one that fails is
   * logged and ledgered as discard() does; when a backup holds the store, or the hold cannot be
   * taken, every deletion not done is ledgered (the sweeper's delete of an object already gone is
   * no fault).
   */
  async discardAll(items: readonly Discard[], reason: string): Promise<void> {
    if (items.length === 0) return;
    const failed = new Map<Discard, unknown>();
    const done = new Set<Discard>();
    let held = false;
    let holdError: unknown;
    try {
      held = await this.hold.unlessBackingUp(async () => {
        let next = 0;
        const lane = async () => {
          while (next < items.length) {
            const item = items[next++]!;
            try {
              await this.blobs.delete(item.objectKey);
              done.add(item);
            } catch (error) {
              failed.set(item, error);
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(DISCARD_LANES, items.length) }, lane));
      });
    } catch (error) {
      holdError = error;
    }
    // The ledger is written after the hold's transaction, as discard() does.
    for (const [item, error] of failed) {
      this.orphaned(item.objectKey, reason, item.ids, error);
      await this.ledger(item.objectKey, reason, item.ids);
    }
    if (held && holdError === undefined) return;
    const rest = items.filter((item) => !done.has(item) && !failed.has(item));
    for (const item of rest) {
      if (holdError !== undefined) this.orphaned(item.objectKey, reason, item.ids, holdError);
      await this.ledger(item.objectKey, holdError === undefined ? `${reason} (deferred: a backup was running)` : reason, item.ids);
    }
  }

  private orphaned(objectKey: string, reason: string, ids: Record<string, string>, error: unknown): void {
    this.logger.error(`ORPHANED OBJECT: could not delete ${objectKey} (${reason}; ${context(ids)}): ${describe(error)}`);
  }

  private async ledger(objectKey: string, reason: string, ids: Record<string, string>): Promise<void> {
    await this.orphans.record(objectKey, reason).catch((recordError: unknown) => {
      this.logger.error(`ORPHAN NOT RECORDED: ${objectKey} (${context(ids)}): ${describe(recordError)}`);
    });
  }
}

function context(ids: Record<string, string>): string {
  return Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(' ');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
