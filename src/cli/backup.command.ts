import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { restoreBackup, RestoreRefused } from '../backup/restore-backup';
import { writeBackup } from '../backup/write-backup';
import type { AppConfig } from '../config/app-config';
import { openStandaloneSql } from '../database/standalone-sql';
import { PostgresDeletionHold } from '../storage/adapters/postgres-deletion-hold';
import { createBlobStore } from '../storage/blob-store.factory';
import type { CliIo } from './run-cli';

/**
 * `backup FILE`: one consistent archive of the database and the blobs, taken while the server runs.
 * Written beside FILE and renamed into place when whole: a FILE that exists is a complete backup.
 */
export async function backupCommand(config: AppConfig, databaseUrl: string, file: string, io: CliIo): Promise<number> {
  if (existsSync(file)) {
    io.err(`${file} exists already: choose a new name (a backup never overwrites a file)`);
    return 1;
  }
  const { db, close } = await openStandaloneSql(databaseUrl);
  const draft = `${file}.partial`;
  try {
    const blobs = await createBlobStore(config.blob);
    const summary = await writeBackup(new PostgresDeletionHold(db), blobs, createWriteStream(draft, { flags: 'wx', mode: 0o600 }), io.out);
    await rename(draft, file);
    const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    io.out(`backed up ${rows} rows of ${Object.keys(summary.rows).length} tables and ${summary.objects} objects (${summary.objectBytes} bytes) to ${file}`);
    return 0;
  } catch (error) {
    await rm(draft, { force: true });
    throw error;
  } finally {
    await close();
  }
}

/** `restore FILE`: a backup into an empty database and blob store (a new DATA_DIR); refuses anything else. */
export async function restoreCommand(config: AppConfig, databaseUrl: string, file: string, io: CliIo): Promise<number> {
  if (!existsSync(file)) {
    io.err(`${file}: no such file`);
    return 1;
  }
  try {
    const summary = await restoreBackup(databaseUrl, await createBlobStore(config.blob), createReadStream(file), io.out);
    io.out(`restored ${Object.values(summary.rows).reduce((a, b) => a + b, 0)} rows and ${summary.objects} objects from ${file}: start the server as usual`);
    return 0;
  } catch (error) {
    if (!(error instanceof RestoreRefused)) throw error;
    io.err(`restore refused, nothing changed: ${error.message}`);
    return 1;
  }
}
