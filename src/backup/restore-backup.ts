import { createHash, Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract } from 'tar-stream';
import { DataSource } from 'typeorm';
import { openStandaloneSql } from '../database/standalone-sql';
import { MIGRATIONS } from '../database/migrations';
import { SqlClient } from '../database/sql-client';
import { assertBlobKey, isBlobKey } from '../storage/blob-key';
import type { BlobStore } from '../storage/ports/blob-store';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  BLOBS_PREFIX,
  Manifest,
  MANIFEST_ENTRY,
  quoteIdent,
  Summary,
  SUMMARY_ENTRY,
  tableOfEntry,
} from './backup-archive';
import { advanceSequences } from './database-catalog';
import type { Progress } from './write-backup';

/** Why a restore did nothing, in words an operator acts on. */
export class RestoreRefused extends Error {}

/**
 * Restores an archive written by writeBackup into an empty database and an empty blob store:
 * the schema the archive's database had (its migrations, run here), every row in one transaction,
 * every object; the transaction commits only once every entry matched the archive's summary.
 * A failed restore takes back what it wrote. The next start of the server runs the migrations
 * this version has beyond the archive's.
 */
export async function restoreBackup(databaseUrl: string, blobs: BlobStore, input: Readable, progress: Progress): Promise<Summary> {
  const { db, close } = await openStandaloneSql(databaseUrl);
  const written: string[] = [];
  let schemaBuilt = false;
  try {
    await refuseUnlessEmpty(db, blobs);
    const extract = tarExtract();
    const reading = pipeline(input, extract);
    reading.catch(() => undefined);
    const entries = extract[Symbol.asyncIterator]();

    const first = await entries.next();
    if (first.done || first.value.header.name !== MANIFEST_ENTRY) throw new RestoreRefused('not a Mindvault backup: it does not begin with manifest.json');
    const hashes: Record<string, string> = {};
    const manifest = parseManifest(await readWhole(first.value, hashes, MANIFEST_ENTRY));
    schemaBuilt = true;
    await buildSchema(databaseUrl, manifest.migrations);
    progress(`schema of ${manifest.migrations.length} migrations built`);

    const summary = await db.session(async (query) => {
      await query('BEGIN');
      const rows: Record<string, number> = {};
      let objects = 0;
      let objectBytes = 0;
      let found: Summary | undefined;
      for (let next = await entries.next(); !next.done; next = await entries.next()) {
        const entry = next.value;
        const name = entry.header.name;
        if (found) throw new RestoreRefused(`entry ${name} after the summary: the archive is damaged`);
        const table = tableOfEntry(name);
        if (name === SUMMARY_ENTRY) {
          found = JSON.parse((await readWhole(entry, {}, name)).toString('utf8')) as Summary;
        } else if (table !== undefined) {
          if (!manifest.tables.includes(table)) throw new RestoreRefused(`rows of ${table}, a table the manifest does not name`);
          const lines = (await readWhole(entry, hashes, name)).toString('utf8').split('\n').filter((l) => l !== '');
          await query(`INSERT INTO ${quoteIdent(table)} SELECT * FROM json_populate_recordset(NULL::${quoteIdent(table)}, $1::json)`, [`[${lines.join(',')}]`]);
          rows[table] = (rows[table] ?? 0) + lines.length;
          progress(`${table}: ${rows[table]} rows`);
        } else if (name.startsWith(BLOBS_PREFIX) && isBlobKey(name.slice(BLOBS_PREFIX.length))) {
          const key = assertBlobKey(name.slice(BLOBS_PREFIX.length));
          const size = entry.header.size ?? 0;
          const hash = createHash('sha256');
          written.push(key);
          await blobs.put(key, Readable.from(hashed(entry, hash)), size);
          hashes[name] = hash.digest('hex');
          objects++;
          objectBytes += size;
          if (objects % 1000 === 0) progress(`${objects} objects (${objectBytes} bytes)`);
        } else {
          throw new RestoreRefused(`unexpected entry ${name}: the archive is damaged or not Mindvault's`);
        }
      }
      await reading;
      if (!found) throw new RestoreRefused('the archive ends without its summary: it is cut short');
      checkAgainst(found, { rows, objects, objectBytes, sha256: hashes });
      await advanceSequences(query, manifest.tables);
      await query('COMMIT');
      return found;
    });
    if (manifest.installId) await blobs.claimInstallId(manifest.installId);
    progress(`${summary.objects} objects (${summary.objectBytes} bytes)`);
    return summary;
  } catch (error) {
    for (const key of written) await blobs.delete(key).catch(() => undefined);
    if (schemaBuilt) await dropSchema(db).catch(() => undefined);
    throw error;
  } finally {
    await close();
  }
}

async function refuseUnlessEmpty(db: SqlClient, blobs: BlobStore): Promise<void> {
  const tables = await db.rows<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`);
  if (Number(tables[0].n) > 0) throw new RestoreRefused('the database already holds tables: a restore goes only into an empty one (a new DATA_DIR, or a new database)');
  if ((await blobs.readInstallId()) !== undefined) throw new RestoreRefused('the blob store already belongs to an install: a restore goes only into an empty one');
  for await (const object of blobs.list('')) {
    throw new RestoreRefused(`the blob store is not empty (it holds ${object.key}): a restore goes only into an empty one`);
  }
}

function parseManifest(bytes: Buffer): Manifest {
  const manifest = JSON.parse(bytes.toString('utf8')) as Partial<Manifest>;
  if (manifest.format !== ARCHIVE_FORMAT) throw new RestoreRefused('not a Mindvault backup (manifest format)');
  if (manifest.version !== ARCHIVE_VERSION) throw new RestoreRefused(`backup format version ${String(manifest.version)}: this Mindvault reads version ${ARCHIVE_VERSION}`);
  if (!Array.isArray(manifest.migrations) || !Array.isArray(manifest.tables)) throw new RestoreRefused('the manifest names no migrations or tables');
  const known = MIGRATIONS.map((m) => new m().name);
  const unknown = manifest.migrations.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new RestoreRefused(`made by a newer Mindvault (migrations ${unknown.join(', ')}): restore it with that version or a later one`);
  return manifest as Manifest;
}

/** The archive's schema: exactly the migrations its database had run, so its rows fit. */
async function buildSchema(databaseUrl: string, names: string[]): Promise<void> {
  const migrations = MIGRATIONS.filter((m) => names.includes(new m().name));
  const builder = new DataSource({ type: 'postgres', url: databaseUrl, migrations, migrationsTransactionMode: 'each' });
  await builder.initialize();
  try {
    await builder.runMigrations({ transaction: 'each' });
  } finally {
    await builder.destroy();
  }
}

/** Undoes buildSchema on a database that was empty before it (refuseUnlessEmpty checked). */
async function dropSchema(db: SqlClient): Promise<void> {
  const tables = await db.rows<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
  for (const { name } of tables) await db.execute(`DROP TABLE IF EXISTS "${name.replace(/"/g, '""')}" CASCADE`);
}

function checkAgainst(expected: Summary, actual: Summary): void {
  const problems: string[] = [];
  for (const [table, n] of Object.entries(expected.rows)) if ((actual.rows[table] ?? 0) !== n) problems.push(`${table}: ${actual.rows[table] ?? 0} rows of ${n}`);
  if (actual.objects !== expected.objects) problems.push(`${actual.objects} objects of ${expected.objects}`);
  for (const [name, hash] of Object.entries(expected.sha256)) {
    if (name !== SUMMARY_ENTRY && actual.sha256[name] !== hash) problems.push(`${name}: ${actual.sha256[name] ? 'changed' : 'missing'}`);
  }
  if (problems.length > 0) throw new RestoreRefused(`the archive does not match its summary, nothing restored: ${problems.slice(0, 10).join('; ')}`);
}

async function readWhole(entry: AsyncIterable<unknown>, hashes: Record<string, string>, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  hashes[name] = createHash('sha256').update(bytes).digest('hex');
  return bytes;
}

async function* hashed(entry: AsyncIterable<unknown>, hash: Hash): AsyncGenerator<Buffer> {
  // tar-stream's entries are streamx streams of Buffers.
  for await (const chunk of entry) {
    hash.update(chunk as Buffer);
    yield chunk as Buffer;
  }
}
