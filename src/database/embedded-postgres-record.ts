import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';

/**
 * Where a DATA_DIR's embedded cluster lives, decided once (at its first initialisation, or when an
 * existing cluster is adopted) and kept in `DATA_DIR/embedded-postgres.json`. Every later start of
 * the API and every CLI command reads it instead of deciding again: the user, a folder's mode or
 * the port may change, the cluster does not.
 */
export const RECORD_FILE = 'embedded-postgres.json';

interface RecordFile {
  /** Relative to DATA_DIR when inside it (the folder may be moved whole), else absolute. */
  clusterDir: string;
  recordedAt: string;
}

/** The recorded cluster folder, absolute; undefined when this DATA_DIR has none recorded. */
export function readClusterRecord(dataDir: string): string | undefined {
  const path = join(dataDir, RECORD_FILE);
  if (!existsSync(path)) return undefined;
  let parsed: Partial<RecordFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<RecordFile>;
  } catch (error) {
    throw new Error(`${path} is not readable JSON (${error instanceof Error ? error.message : String(error)}): fix or restore it; it names where this install's database lives`);
  }
  if (typeof parsed.clusterDir !== 'string' || parsed.clusterDir === '') {
    throw new Error(`${path} names no clusterDir: fix or restore it; it names where this install's database lives`);
  }
  return resolve(dataDir, parsed.clusterDir);
}

/**
 * Records `clusterDir` for `dataDir`. The file appears whole and only once: a second process that
 * raced this one to record keeps the first record (and is told which, so it can use that one).
 */
export async function writeClusterRecord(dataDir: string, clusterDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const inside = relative(dataDir, clusterDir);
  const record: RecordFile = {
    clusterDir: inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : clusterDir,
    recordedAt: new Date().toISOString(),
  };
  const path = join(dataDir, RECORD_FILE);
  const draft = `${path}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx', mode: 0o644 });
  try {
    await link(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(draft);
  }
  return readClusterRecord(dataDir)!;
}
