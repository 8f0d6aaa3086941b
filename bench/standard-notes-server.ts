import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../test/utils/free-port';
import { Child, spawnProcess, startRedis, waitForHttp } from './infra';

const run = promisify(execFile);

/** The built home server inside a checkout of github.com/standardnotes/server (README, *Performance*). */
const ENTRY = 'packages/home-server/dist/bin/server.js';

export interface StandardNotesServer {
  url: string;
  /** The one process that answers every route (its auth, sync and revision services run inside it). */
  process: Child;
  /** MariaDB's setting that decides whether each commit waits for the disk, for the figure's raw numbers. */
  innodbFlushLogAtTrxCommit: string;
  stop(): Promise<void>;
}

/**
 * Starts the Standard Notes home server of the checkout at `peerDir` the way its self-hosting
 * guide runs it: MySQL (here MariaDB, a fresh database and user of its own, dropped after) and
 * Redis as its cache (a private redis-server), all services in one node process on a free loopback
 * port, on the same node binary as the bench. The MariaDB account that may create databases and
 * users comes from SN_PEER_MYSQL (default mysql://root@127.0.0.1:3306) and is used through the
 * `mysql` client. The home server reads its settings only from a `.env` in its working directory,
 * so one is written into a temporary directory that is removed after.
 */
export async function startStandardNotesServer(peerDir: string): Promise<StandardNotesServer> {
  const pnp = join(peerDir, '.pnp.cjs');
  for (const file of [pnp, join(peerDir, ENTRY)]) {
    if (!existsSync(file)) throw new Error(`SN_PEER_DIR: ${file} is missing (install and build the peer first: README, *Performance*)`);
  }
  const admin = mysqlAdmin(process.env.SN_PEER_MYSQL ?? 'mysql://root@127.0.0.1:3306');
  const name = `sn_bench_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('hex');
  const hosts = ['127.0.0.1', 'localhost'];
  const undo: (() => Promise<void>)[] = [];
  const undoAll = async () => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
  };
  try {
    await admin.sql(
      [`CREATE DATABASE ${name}`, ...hosts.flatMap((h) => [`CREATE USER '${name}'@'${h}' IDENTIFIED BY '${password}'`, `GRANT ALL ON ${name}.* TO '${name}'@'${h}'`])].join('; '),
    );
    undo.push(() => admin.sql([`DROP DATABASE IF EXISTS ${name}`, ...hosts.map((h) => `DROP USER IF EXISTS '${name}'@'${h}'`)].join('; ')).then(() => undefined));
    const flush = (await admin.sql('SELECT @@innodb_flush_log_at_trx_commit')).trim().split('\n').pop() ?? '';
    const redis = await startRedis();
    undo.push(redis.stop);
    const dir = mkdtempSync(join(os.tmpdir(), 'sn-peer-'));
    undo.push(async () => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const secret = () => randomBytes(32).toString('hex');
    const settings: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DB_TYPE: 'mysql',
      DB_HOST: admin.host,
      DB_PORT: admin.port,
      DB_USERNAME: name,
      DB_PASSWORD: password,
      DB_DATABASE: name,
      CACHE_TYPE: 'redis',
      REDIS_URL: redis.url,
      JWT_SECRET: secret(),
      AUTH_JWT_SECRET: secret(),
      ENCRYPTION_SERVER_KEY: secret(),
      PSEUDO_KEY_PARAMS_KEY: secret(),
      VALET_TOKEN_SECRET: secret(),
      FILES_SERVER_URL: url,
      FILE_UPLOAD_PATH: join(dir, 'uploads'),
      COOKIE_DOMAIN: '127.0.0.1',
      COOKIE_SECURE: 'false',
    };
    writeFileSync(join(dir, '.env'), Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
    // Yarn's Plug'n'Play resolves the checkout's packages (it has no node_modules).
    const child = spawnProcess('standard-notes', process.execPath, ['--require', pnp, join(peerDir, ENTRY)], { env: {}, cwd: dir });
    // It ignores SIGTERM (its process keeps running); SIGINT ends it.
    undo.push(() => child.stop('SIGINT'));
    // The first start runs every migration of a fresh database: well over the default minute on a busy machine.
    await waitForHttp(`${url}/healthcheck`, child, 300_000);
    return { url, process: child, innodbFlushLogAtTrxCommit: flush, stop: undoAll };
  } catch (error) {
    await undoAll();
    throw error;
  }
}

function mysqlAdmin(connection: string) {
  const url = new URL(connection);
  if (url.protocol !== 'mysql:') throw new Error(`SN_PEER_MYSQL must be a mysql:// URL, not ${url.protocol}`);
  const host = url.hostname;
  const port = url.port || '3306';
  const args = ['-h', host, '-P', port, '-u', decodeURIComponent(url.username || 'root'), '--batch', '--skip-column-names'];
  // The password goes through the environment, never the command line (ps shows that to everyone).
  const env = { ...process.env, ...(url.password ? { MYSQL_PWD: decodeURIComponent(url.password) } : {}) };
  return {
    host,
    port,
    sql: async (statements: string) => (await run('mysql', [...args, '-e', statements], { env })).stdout,
  };
}
