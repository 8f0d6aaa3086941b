import { createHash } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, Pack } from 'tar-stream';
import type { SessionQuery } from '../database/sql-client';
import { ExactLengthStream } from '../storage/exact-length.stream';
import type { BlobStore } from '../storage/ports/blob-store';
import type { DeletionHold } from '../storage/ports/deletion-hold';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  BLOBS_PREFIX,
  chunkEntry,
  Manifest,
  MANIFEST_ENTRY,
  quoteIdent,
  ROWS_PER_CHUNK,
  Summary,
  SUMMARY_ENTRY,
} from './backup-archive';
import { tablesInLoadOrder } from './database-catalog';

/** What writeBackup tells as it goes: a line per table and per thousand objects. */
export type Progress = (line: string) => void;

/**
 * Writes one consistent archive (see backup-archive.ts) of the database and every object its
 * versions reference to `out`, online: traffic goes on, deletions of objects wait in the orphan
 * ledger until it is done. Memory holds one chunk of rows or one object's stream at a time.
 */
export async function writeBackup(hold: DeletionHold, blobs: BlobStore, out: Writable, progress: Progress): Promise<Summary> {
  const pack = tarPack();
  const written = pipeline(pack, out);
  // A failed destination must stop the backup, not leave it writing into a dead stream.
  written.catch(() => pack.destroy());
  const summary: Summary = { rows: {}, objects: 0, objectBytes: 0, sha256: {} };
  try {
    await hold.withSnapshotHeld(async (query) => {
      const tables = await tablesInLoadOrder(query);
      const manifest: Manifest = {
        format: ARCHIVE_FORMAT,
        version: ARCHIVE_VERSION,
        createdAt: new Date().toISOString(),
        installId: (await query<{ install_id: string }>('SELECT install_id FROM install_identity'))[0]?.install_id ?? null,
        migrations: (await query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).map((m) => m.name),
        tables,
      };
      await addEntry(pack, summary, MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest, null, 2)));
      for (const table of tables) {
        summary.rows[table] = await dumpTable(query, pack, summary, table);
        progress(`${table}: ${summary.rows[table]} rows`);
      }
      await dumpObjects(query, blobs, pack, summary, progress);
    });
    await addEntry(pack, summary, SUMMARY_ENTRY, Buffer.from(JSON.stringify(summary, null, 2)));
    pack.finalize();
    await written;
    return summary;
  } catch (error) {
    pack.destroy(error instanceof Error ? error : new Error(String(error)));
    await written.catch(() => undefined);
    throw error;
  }
}

async function dumpTable(query: SessionQuery, pack: Pack, summary: Summary, table: string): Promise<number> {
  await query(`DECLARE dump NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS line FROM ${quoteIdent(table)} t`);
  let rows = 0;
  for (let chunk = 1; ; chunk++) {
    const lines = await query<{ line: string }>(`FETCH ${ROWS_PER_CHUNK} FROM dump`);
    if (lines.length === 0) break;
    rows += lines.length;
    await addEntry(pack, summary, chunkEntry(table, chunk), Buffer.from(`${lines.map((l) => l.line).join('\n')}\n`));
  }
  await query('CLOSE dump');
  return rows;
}

async function dumpObjects(query: SessionQuery, blobs: BlobStore, pack: Pack, summary: Summary, progress: Progress): Promise<void> {
  await query('DECLARE objects NO SCROLL CURSOR FOR SELECT object_key, size_bytes FROM map_versions ORDER BY object_key');
  for (;;) {
    const page = await query<{ object_key: string; size_bytes: string }>(`FETCH ${ROWS_PER_CHUNK} FROM objects`);
    if (page.length === 0) break;
    for (const { object_key: key, size_bytes } of page) {
      const size = Number(size_bytes);
      // A missing object stops the backup (BlobNotFound names it): an archive without it would restore a version that cannot open.
      const body = await blobs.get(key);
      await addEntry(pack, summary, `${BLOBS_PREFIX}${key}`, [body, new ExactLengthStream(size)], size);
      summary.objects++;
      summary.objectBytes += size;
    }
    progress(`${summary.objects} objects (${summary.objectBytes} bytes)`);
  }
  await query('CLOSE objects');
}

/** Adds one entry and records its SHA-256 (the summary's own is recorded too, and not written). A streamed body is `size` bytes. */
async function addEntry(pack: Pack, summary: Summary, name: string, body: Buffer | [Readable, ...Transform[]], size?: number): Promise<void> {
  const hash = createHash('sha256');
  if (Buffer.isBuffer(body)) {
    hash.update(body);
    await new Promise<void>((done, fail) => pack.entry({ name, size: body.length, mode: 0o600 }, body, (error) => (error ? fail(error) : done())));
  } else {
    const entry = pack.entry({ name, size, mode: 0o600 });
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, next) {
        hash.update(chunk);
        next(null, chunk);
      },
    });
    await pipeline([...body, hashing, entry]);
  }
  summary.sha256[name] = hash.digest('hex');
}
