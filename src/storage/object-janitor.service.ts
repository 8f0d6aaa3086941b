import { Injectable, Logger } from '@nestjs/common';
import { OrphanLedger } from './ports/orphan-ledger';
import { BlobStore } from './ports/blob-store';
import { DeletionHold } from './ports/deletion-hold';

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
    try {
      if (!(await this.hold.unlessBackingUp(() => this.blobs.delete(objectKey)))) {
        await this.orphans.record(objectKey, `${reason} (deferred: a backup was running)`);
      }
    } catch (error) {
      const context = Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(' ');
      this.logger.error(`ORPHANED OBJECT: could not delete ${objectKey} (${reason}; ${context}): ${describe(error)}`);
      await this.orphans.record(objectKey, reason).catch((recordError: unknown) => {
        this.logger.error(`ORPHAN NOT RECORDED: ${objectKey} (${context}): ${describe(recordError)}`);
      });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
