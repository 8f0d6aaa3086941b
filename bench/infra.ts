import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { freePort } from '../test/utils/free-port';

/** Where the compiled entry points live (the bench runs from dist/, like `npm start`). */
export const DIST = resolve(__dirname, '..');

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** The last lines it printed, for error messages. */
  tail(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The node options the API runs with, as `npm start` and the Docker image start it: a young
 * generation of at most 8 MiB a semi-space. An upload's body arrives as fresh 64 KiB socket
 * buffers, memory outside the JS heap that only a collection gives back; with Node 26's larger
 * young generation they piled up between scavenges until V8 ran a full mark-compact of the whole
 * heap about once a second under 1 MiB uploads (5.9 ms of API CPU an upload; 2.3 ms with this).
 */
export const API_NODE_OPTIONS = ['--max-semi-space-size=8'];

/** Runs a compiled script of this repo in its own node process. */
export function spawnNode(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Child {
  return spawnProcess(name, process.execPath, ['--enable-source-maps', ...nodeArgs, resolve(DIST, script)], { env });
}

/** Runs a command in a process of its own, with PATH and `env` only; its output kept for error messages. */
export function spawnProcess(name: string, command: string, args: string[], options: { env: Record<string, string>; cwd?: string }): Child {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    name,
    process: child,
    pid: child.pid!,
    tail: () => lines.join('\n'),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 200. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited early:\n${child.tail()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} did not come up at ${url}:\n${child.tail()}`);
    await sleep(100);
  }
}

/** Resident set size of a process in bytes (VmRSS), or its peak since the last reset (VmHWM). */
export function rssOf(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Resets the kernel's peak-RSS mark of a process (Linux: "5" to clear_refs); false if not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU time a process has used so far, in ms: the on-CPU time of each of its threads from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds), or, where the kernel keeps no schedstat,
 * utime + stime from /proc/<pid>/stat (clock ticks of 10 ms, too coarse for a few hundred requests).
 */
export function cpuMsOf(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended meanwhile
      }
    }
    if (ns > 0) return ns / 1e6;
  } catch {
    // no schedstat: the coarse count below
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface Postgres {
  /** A fresh database for this run. */
  url: string;
  stop(): Promise<void>;
}

/** DATABASE_URL's server (default the local one) or, if it can't be reached, an embedded PostgreSQL. */
export async function startPostgres(): Promise<Postgres> {
  let adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let stopServer = async () => {};
  try {
    const probe = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
    await probe.connect();
    await probe.end();
  } catch {
    const embedded = await startEmbeddedPostgres(resolve('data/bench'), 54349);
    adminUrl = embedded.url;
    stopServer = embedded.stop;
  }
  const name = `mindvault_bench_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: async () => {
      await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await stopServer();
    },
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** A private redis-server on a free loopback port, so the machine's shared Redis is never touched. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await sleep(50);
    }
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface S3Settings {
  endPoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
}

/** s3rver in its own process; resolves once it printed its settings. */
export async function startS3rverProcess(): Promise<{ settings: S3Settings; child: Child }> {
  const child = spawnNode('s3rver', 'bench/s3rver-server.js', {});
  const settings = await new Promise<S3Settings>((resolveSettings, reject) => {
    let buffered = '';
    child.process.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.startsWith('{'));
      if (line) resolveSettings(JSON.parse(line) as S3Settings);
    });
    child.process.once('exit', () => reject(new Error(`s3rver exited:\n${child.tail()}`)));
  });
  return { settings, child };
}

/** The environment of an API or worker process of this bench. */
export function appEnv(options: { databaseUrl: string; redisUrl: string; s3: S3Settings; jwtSecret: string; port?: number }) {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(options.port ?? 0),
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: 'mvbench',
    JOB_DEBOUNCE_MS: '200',
    S3_ENDPOINT: options.s3.endPoint,
    S3_ACCESS_KEY: options.s3.accessKey,
    S3_SECRET_KEY: options.s3.secretKey,
    S3_BUCKET: options.s3.bucket,
    S3_REGION: 'us-east-1',
    JWT_SECRET: options.jwtSecret,
    // Production refuses to start without its own prelogin secret.
    PRELOGIN_SECRET: randomBytes(32).toString('hex'),
    SECOND_FACTOR_SECRET: randomBytes(32).toString('hex'),
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    // The bench's single user uploads 8 (the RSS figure 32) at a time: above the per-user default.
    MAX_CONCURRENT_UPLOADS: '64',
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    // The bench measures speed, not quotas: nobody here should ever hit one.
    FREE_STORAGE_BYTES: String(1024 ** 4),
    // The key-rotation figure's user owns 1,000 maps; every plan stops at 10,000.
    MAX_MAPS_FREE: '10000',
    MIN_VERSION_CHARGE_BYTES: '0',
    MAP_CHARGE_BYTES: '0',
  };
}
