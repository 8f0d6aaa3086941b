/**
 * The backup archive: one tar file, read and written as a stream, in this order:
 * - `manifest.json`: what made it (format, install id, the migrations its schema had, its tables);
 * - `database/<table>/<n>.jsonl`: every row of every table, a JSON object a line (PostgreSQL's own
 *   row_to_json, loaded back with json_populate_recordset: no value passes through a JavaScript
 *   number), tables in foreign-key order, at most ROWS_PER_CHUNK rows an entry;
 * - `blobs/<object key>`: every stored object a version row references, byte for byte;
 * - `summary.json`: what the archive holds, with each entry's SHA-256, checked before a restore commits.
 * All of it is taken from one database snapshot, with object deletions held off while it is taken
 * (DeletionHold), so every version in the archive has its bytes in the archive.
 */
export const ARCHIVE_FORMAT = 'mindvault-backup';
export const ARCHIVE_VERSION = 1;
export const ROWS_PER_CHUNK = 1000;

export const MANIFEST_ENTRY = 'manifest.json';
export const SUMMARY_ENTRY = 'summary.json';
export const DATABASE_PREFIX = 'database/';
export const BLOBS_PREFIX = 'blobs/';

/** Tables a restore builds itself rather than loads: TypeORM's record of the migrations run. */
export const NOT_DUMPED = new Set(['migrations', 'typeorm_metadata']);

export interface Manifest {
  format: typeof ARCHIVE_FORMAT;
  version: typeof ARCHIVE_VERSION;
  createdAt: string;
  /** The database's install id: the restored store is marked with it. */
  installId: string | null;
  /** Names of the migrations the database had run, in order: a restore builds that schema first. */
  migrations: string[];
  /** In load order (referenced tables first). */
  tables: string[];
}

export interface Summary {
  rows: Record<string, number>;
  objects: number;
  objectBytes: number;
  /** SHA-256 (hex) of every entry but this one, by name. */
  sha256: Record<string, string>;
}

export function chunkEntry(table: string, index: number): string {
  return `${DATABASE_PREFIX}${table}/${String(index).padStart(6, '0')}.jsonl`;
}

/** The table a database entry belongs to; undefined for any other name. */
export function tableOfEntry(name: string): string | undefined {
  const match = /^database\/([a-z_][a-z0-9_]*)\/\d{6}\.jsonl$/.exec(name);
  return match?.[1];
}

/** Quotes an identifier read from the catalog or an archive (already checked against [a-z_][a-z0-9_]*). */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected table name ${JSON.stringify(name)}`);
  return `"${name}"`;
}
