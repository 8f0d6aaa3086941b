import { spawn } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import { resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Figure } from './figure';
import { percentile, send } from './http-client';
import { cpuMsOf } from './infra';

const MiB = 1024 * 1024;
const ATTACKERS = 20;
const BODY_BYTES = 16 * MiB;
const SAMPLES = 400;
/** The goal: /health's p99 under attack stays within this of its p99 without, in the same run. */
const GOAL_MS = 50;

/**
 * `/health` latency while 20 clients send 16 MiB bodies, against its latency without them, side
 * by side in one run. The attackers cycle over three kinds of body: a JSON body announcing 16 MiB
 * to `POST /api/auth/prelogin`, the same chunked (no Content-Length, so the server must count), and
 * one to a bearer route without a token (`PUT /api/auth/keys`). Each sends as fast as the server
 * takes it, and starts over when answered or cut. The attackers run in a process of their own, so
 * that pumping their bytes never delays the sampler's own event loop.
 */
export async function benchHealthUnderBigBodies(apiUrl: string, apiPid: number): Promise<Figure> {
  console.log('big bodies: /health alone, then under 20 clients sending 16 MiB bodies…');
  const cpuAlone = cpuMsOf(apiPid);
  const baseline = await sampleHealth(apiUrl);
  const cpu = { alone: cpuMsOf(apiPid) - cpuAlone, underAttack: 0 };
  const child = spawn(process.execPath, [resolvePath(__dirname, 'big-bodies.js'), apiUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  let report = '';
  child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
  while (!report.includes('ready')) await new Promise((done) => setTimeout(done, 20));
  const cpuBefore = cpuMsOf(apiPid);
  const underAttack = await sampleHealth(apiUrl);
  cpu.underAttack = cpuMsOf(apiPid) - cpuBefore;
  child.kill('SIGTERM');
  await once(child, 'exit');
  const { outcomes, bytesSent } = JSON.parse(report.slice(report.indexOf('{'))) as { outcomes: Record<string, number>; bytesSent: number };
  const p99 = { baseline: percentile(baseline, 99), underAttack: percentile(underAttack, 99) };
  const added = p99.underAttack - p99.baseline;
  return {
    name: 'health p99 under 20 clients sending 16 MiB bodies, vs alone',
    goal: `p99 under attack ≤ p99 alone + ${GOAL_MS} ms`,
    ratio: round(p99.underAttack / p99.baseline),
    pass: added <= GOAL_MS,
    raw: {
      p99Ms: { alone: round(p99.baseline), underAttack: round(p99.underAttack), added: round(added) },
      p50Ms: { alone: round(percentile(baseline, 50)), underAttack: round(percentile(underAttack, 50)) },
      samples: SAMPLES,
      apiCpuMs: cpu,
      attackRequests: outcomes,
      attackMiBWritten: round(bytesSent / MiB),
    },
  };
}

/** SAMPLES sequential GET /health, each timed. */
async function sampleHealth(apiUrl: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const answer = await send('GET', `${apiUrl}/health`);
    if (answer.status !== 200) throw new Error(`/health answered ${answer.status}`);
    times.push(answer.ms);
  }
  return times;
}

const CHUNK = Buffer.alloc(MiB, 0x20);

/** One oversized request on a fresh connection; resolves with its status (or how it ended). */
function attack(apiUrl: string, kind: number, sent: (bytes: number) => void): Promise<string> {
  const [method, path, headers]: [string, string, Record<string, string | number>] =
    kind === 0
      ? ['POST', '/api/auth/prelogin', { 'content-type': 'application/json', 'content-length': BODY_BYTES }]
      : kind === 1
        ? ['POST', '/api/auth/prelogin', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }]
        : ['PUT', '/api/auth/keys', { 'content-type': 'application/json', 'content-length': BODY_BYTES }];
  return new Promise((resolve) => {
    const started = performance.now();
    let done = false;
    const finish = (outcome: string) => {
      if (done) return;
      done = true;
      req.destroy();
      resolve(performance.now() - started > 60_000 ? 'slow' : outcome);
    };
    const req = http.request(apiUrl + path, { method, headers, agent: false });
    req.on('response', (res) => {
      res.resume();
      finish(String(res.statusCode));
    });
    req.on('error', () => finish('cut'));
    let written = 0;
    const pump = () => {
      while (!done && written < BODY_BYTES) {
        written += CHUNK.length;
        sent(CHUNK.length);
        if (!req.write(CHUNK)) return void req.once('drain', pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}

const round = (value: number) => Math.round(value * 100) / 100;

/** The attackers' process: `node big-bodies.js <apiUrl>` until SIGTERM, then its counts on stdout. */
async function attackUntilStopped(apiUrl: string): Promise<void> {
  let stop = false;
  const outcomes: Record<string, number> = {};
  let bytesSent = 0;
  process.once('SIGTERM', () => (stop = true));
  const attackers = Array.from({ length: ATTACKERS }, async (_, i) => {
    while (!stop) {
      const outcome = await attack(apiUrl, i % 3, (n) => (bytesSent += n));
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  });
  process.stdout.write('ready\n');
  await Promise.all(attackers);
  process.stdout.write(`${JSON.stringify({ outcomes, bytesSent })}\n`);
}

if (require.main === module) void attackUntilStopped(process.argv[2]);
