import { Injectable } from '@nestjs/common';
import { SessionQuery, SqlClient } from '../../database/sql-client';
import { DeletionHold } from '../ports/deletion-hold';

/** The advisory lock behind the hold: deletions take it shared, a backup exclusively. */
const BACKUP_LOCK = 0x6d76_6268; // "mvbh"

/**
 * The hold as a PostgreSQL advisory lock: every process that deletes objects shares the database,
 * so the lock reaches them all. A deletion tries the shared lock without waiting (a request or a
 * job never stalls behind a backup); a backup waits for the exclusive one.
 */
@Injectable()
export class PostgresDeletionHold extends DeletionHold {
  constructor(private readonly db: SqlClient) {
    super();
  }

  unlessBackingUp(remove: () => Promise<void>): Promise<boolean> {
    return this.db.run(async () => {
      const held = await this.db.row<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock_shared($1) AS ok', [BACKUP_LOCK]);
      if (!held?.ok) return false;
      await remove();
      return true;
    });
  }

  withSnapshotHeld<T>(work: (query: SessionQuery) => Promise<T>): Promise<T> {
    return this.db.session(async (query) => {
      // The hold first, the snapshot after: a row deleted before the snapshot may have its object
      // deleted by a deletion under way, which the lock waits for; one deleted after keeps its object.
      await query('SELECT pg_advisory_lock($1)', [BACKUP_LOCK]);
      await query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await work(query);
      await query('COMMIT');
      await query('SELECT pg_advisory_unlock($1)', [BACKUP_LOCK]);
      return result;
    });
  }
}
