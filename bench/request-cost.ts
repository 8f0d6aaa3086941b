import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import http from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { keyRotationBodyLimitFor } from '../src/auth/key-rotation-limit';
import type { TierPlan } from '../src/config/app-config';
import { freePort } from '../test/utils/free-port';
import type { Figure } from './figure';
import { json, percentile, send } from './http-client';
import { API_NODE_OPTIONS, appEnv, cpuMsOf, S3Settings, spawnNode, waitForHttp } from './infra';

/** The goal (issue 16): /health's p99 under each load stays within this of its p99 alone, in the same run. */
const GOAL_MS = 50;
/** How long /health is sampled, alone and under each load: long enough to span whole rate-limit windows' bursts. */
const SAMPLE_MS = 15_000;
/** One /health request every this many ms (sequential), so about 1,000 samples per phase. */
const SAMPLE_EVERY_MS = 10;
/** The free plan's map limit and the auth routes' rate limit, as shipped (the bench's main API raises both). */
const FREE_MAX_MAPS = 100;
const AUTH_RATE_LIMIT_PER_MINUTE = 30;
/** PUT /api/auth/keys's body limit for a free account (only the plan's map count enters it). */
const FREE_ROTATION_LIMIT = keyRotationBodyLimitFor({ maxMaps: FREE_MAX_MAPS } as TierPlan);
const UNKNOWN_BODY_BYTES = 64 * 1024;
/** One request per route every this many ms: exactly the rate limit, spread evenly. */
const PACE_MS = 60_000 / AUTH_RATE_LIMIT_PER_MINUTE;
/** Every route that takes a JSON body without an account. */
const ANONYMOUS_ROUTES = [
  '/api/auth/prelogin',
  '/api/auth/register',
  '/api/auth/login',
  '/api/auth/login/second-factor',
  '/api/auth/refresh',
  '/api/auth/logout',
  '/api/auth/recover/key-material',
  '/api/auth/recover',
];

export interface CostBenchEnv {
  databaseUrl: string;
  redisUrl: string;
  s3: S3Settings;
  jwtSecret: string;
}

/**
 * `npm run bench -- cost`: what one caller's requests cost everyone else. An API process of its
 * own runs with the shipped limits (free plan: 100 maps; auth routes: 30 requests a minute per IP),
 * and /health is sampled alone, then while a free account sends its largest allowed key rotation
 * (every one of its 100 maps, version envelopes up to the plan's body limit) at the rate limit,
 * then while anonymous clients send 64 KiB bodies of unknown properties to every anonymous JSON
 * route at the rate limit (each route 30 a minute, evenly spread). Loads run in a process of their
 * own, so pumping their bytes never delays the sampler. (A flood past the limit is the big-bodies
 * figure's subject.)
 */
export async function benchRequestCost(env: CostBenchEnv): Promise<Figure[]> {
  console.log('\n[cost] /health alone, under a free account\'s largest key rotations, under 64 KiB bodies of unknown properties');
  const port = await freePort();
  const api = spawnNode(
    'api-shipped-limits',
    'src/main.js',
    {
      ...appEnv({ databaseUrl: env.databaseUrl, redisUrl: env.redisUrl, s3: env.s3, jwtSecret: env.jwtSecret, port }),
      AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_RATE_LIMIT_PER_MINUTE),
      MAX_MAPS_FREE: String(FREE_MAX_MAPS),
    },
    API_NODE_OPTIONS,
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health/ready`, api);
    const account = await freeAccountWithMaps(url);
    const rotation = await underLoad(url, api.pid, { kind: 'rotation', url, ...account });
    const unknown = await underLoad(url, api.pid, { kind: 'unknown', url });
    return [
      figure('health p99 while a free account sends its largest allowed key rotation, vs alone', rotation, {
        rotationBodyKiB: Math.round(account.bodyBytes / 1024),
        planBodyLimitKiB: Math.round(FREE_ROTATION_LIMIT / 1024),
        maps: FREE_MAX_MAPS,
        everyMs: PACE_MS,
      }),
      figure('health p99 while anonymous clients send 64 KiB bodies of unknown properties at the rate limit, vs alone', unknown, {
        bodyKiB: UNKNOWN_BODY_BYTES / 1024,
        routes: ANONYMOUS_ROUTES.length,
        rateLimitPerMinutePerRoute: AUTH_RATE_LIMIT_PER_MINUTE,
        everyMsPerRoute: PACE_MS,
      }),
    ];
  } finally {
    await api.stop();
  }
}

type Load = { kind: 'rotation'; url: string; token: string; authKey: string; body: string } | { kind: 'unknown'; url: string };

interface Measured {
  /** The machine's 1-minute load average at the end of each phase: other work on it shows in both. */
  loadAverage: { alone: number; loaded: number };
  alone: number[];
  loaded: number[];
  cpuMs: { alone: number; loaded: number };
  outcomes: Record<string, number>;
  requests: number;
}

/** /health alone for SAMPLE_MS, then again while the load runs in its own process. */
async function underLoad(url: string, apiPid: number, load: Load): Promise<Measured> {
  let cpu = cpuMsOf(apiPid);
  const alone = await sampleHealth(url);
  const cpuAlone = cpuMsOf(apiPid) - cpu;
  const loadAlone = loadavg()[0]!;
  // The load (a rotation body of about 400 KiB) goes over stdin: too big for argv or the environment.
  const child = spawn(process.execPath, [resolvePath(__dirname, 'request-cost.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(load));
  let report = '';
  child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
  while (!report.includes('ready')) {
    if (child.exitCode !== null) throw new Error('the load process exited before it was ready');
    await sleep(20);
  }
  cpu = cpuMsOf(apiPid);
  const loaded = await sampleHealth(url);
  const cpuLoaded = cpuMsOf(apiPid) - cpu;
  const loadLoaded = loadavg()[0]!;
  child.kill('SIGTERM');
  await once(child, 'exit');
  const { outcomes } = JSON.parse(report.slice(report.indexOf('{'))) as { outcomes: Record<string, number> };
  const requests = Object.values(outcomes).reduce((a, b) => a + b, 0);
  return { alone, loaded, cpuMs: { alone: cpuAlone, loaded: cpuLoaded }, outcomes, requests, loadAverage: { alone: loadAlone, loaded: loadLoaded } };
}

function figure(name: string, m: Measured, load: Record<string, unknown>): Figure {
  const p99 = { alone: percentile(m.alone, 99), loaded: percentile(m.loaded, 99) };
  const added = p99.loaded - p99.alone;
  return {
    name,
    goal: `p99 under load ≤ p99 alone + ${GOAL_MS} ms`,
    ratio: round(p99.loaded / p99.alone),
    pass: added <= GOAL_MS,
    raw: {
      p99Ms: { alone: round(p99.alone), underLoad: round(p99.loaded), added: round(added) },
      p50Ms: { alone: round(percentile(m.alone, 50)), underLoad: round(percentile(m.loaded, 50)) },
      maxMs: { alone: round(Math.max(...m.alone)), underLoad: round(Math.max(...m.loaded)) },
      samples: { alone: m.alone.length, underLoad: m.loaded.length, everyMs: SAMPLE_EVERY_MS, forMs: SAMPLE_MS },
      apiCpuMs: m.cpuMs,
      apiCpuMsPerLoadRequest: round((m.cpuMs.loaded - m.cpuMs.alone) / Math.max(1, m.requests)),
      machineLoadAverage: { alone: round(m.loadAverage.alone), underLoad: round(m.loadAverage.loaded), cpus: availableParallelism() },
      loadAnswers: m.outcomes,
      loadRequests: m.requests,
      load,
    },
  };
}

/** Sequential GET /health, one every SAMPLE_EVERY_MS, for SAMPLE_MS; each timed. */
async function sampleHealth(url: string): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + SAMPLE_MS;
  while (performance.now() < end) {
    const answer = await send('GET', `${url}/health`);
    if (answer.status !== 200) throw new Error(`/health answered ${answer.status}`);
    times.push(answer.ms);
    await sleep(SAMPLE_EVERY_MS);
  }
  return times;
}

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
const envelope = () => ({ ephClassicalPublic: b64(32), ephPqCiphertext: b64(1088), wrappedDek: b64(160) });

/**
 * A free account owning as many maps as its plan allows, and the rotation body it may send: every
 * map's envelope, and version envelopes (the largest wrappedDek) up to the plan's body limit.
 */
async function freeAccountWithMaps(url: string): Promise<{ token: string; authKey: string; body: string; bodyBytes: number }> {
  const authKey = b64(32);
  const user = await json<{ accessToken: string }>('POST', `${url}/api/auth/register`, {
    email: `cost-${randomBytes(6).toString('hex')}@example.com`,
    authKey,
    kdf: { algorithm: 'argon2id', salt: b64(16), memoryKiB: 65536, iterations: 3, parallelism: 1 },
    keys: { classicalPublicKey: b64(32), pqPublicKey: b64(1184), classicalPrivEncrypted: b64(62), pqPrivEncrypted: b64(94) },
  });
  const ids: string[] = [];
  for (let i = 0; i < FREE_MAX_MAPS; i++) {
    const map = await json<{ id: string }>('POST', `${url}/api/mindmaps`, { encryptedTitle: b64(40), envelope: envelope(), keyVersion: 1 }, user.accessToken);
    ids.push(map.id);
  }
  const maps = ids.map((id) => ({ id, envelope: envelope(), versionEnvelopes: [] as { previousWrappedDek: string; envelope: unknown }[] }));
  const keys = { classicalPublicKey: b64(32), pqPublicKey: b64(1184), classicalPrivEncrypted: b64(256), pqPrivEncrypted: b64(256) };
  const bodyOf = () => JSON.stringify({ currentAuthKey: authKey, keys, keyVersion: 0, maps });
  // Version envelopes round-robin over the maps while the body still fits the plan's limit.
  for (let i = 0; ; i++) {
    const entry = { previousWrappedDek: b64(160), envelope: envelope() };
    maps[i % maps.length]!.versionEnvelopes.push(entry);
    if (Buffer.byteLength(bodyOf()) > FREE_ROTATION_LIMIT - 16) {
      maps[i % maps.length]!.versionEnvelopes.pop();
      break;
    }
  }
  const body = bodyOf();
  return { token: user.accessToken, authKey, body, bodyBytes: Buffer.byteLength(body) };
}

/** One request on its own connection; resolves with its status (or how it ended). */
function fire(url: string, method: string, headers: Record<string, string>, body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request(url, { method, agent: false, headers: { ...headers, 'content-length': body.length } });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    });
    req.on('error', () => resolve('cut'));
    req.end(body);
  });
}

/** The load's process: `node request-cost.js < load.json` until SIGTERM, then its counts on stdout. */
async function loadUntilStopped(load: Load): Promise<void> {
  let stop = false;
  process.once('SIGTERM', () => (stop = true));
  const outcomes: Record<string, number> = {};
  const count = (outcome: string) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1);
  /** One lane: `send` every PACE_MS (or as soon as the previous answer came, if later) until stopped. */
  const paced = async (send: () => Promise<string>) => {
    while (!stop) {
      const next = performance.now() + PACE_MS;
      count(await send());
      await sleep(Math.max(0, next - performance.now()));
    }
  };
  let lanes: Promise<void>[];
  if (load.kind === 'rotation') {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${load.token}` };
    let keyVersion = 2;
    lanes = [
      paced(async () => {
        const outcome = await fire(`${load.url}/api/auth/keys`, 'PUT', headers, Buffer.from(load.body.replace('"keyVersion":0', `"keyVersion":${keyVersion}`)));
        if (outcome === '200') keyVersion++;
        return outcome;
      }),
    ];
  } else {
    // `{"u00000":0,"u00001":0,…}` to 64 KiB: every property unknown to every route.
    const names: string[] = [];
    while (names.join(',').length < UNKNOWN_BODY_BYTES - 16) names.push(`"u${String(names.length).padStart(5, '0')}":0`);
    const body = Buffer.from(`{${names.join(',')}}`);
    lanes = ANONYMOUS_ROUTES.map((route) => paced(() => fire(`${load.url}${route}`, 'POST', { 'content-type': 'application/json' }, body)));
  }
  process.stdout.write('ready\n');
  await Promise.all(lanes);
  process.stdout.write(`${JSON.stringify({ outcomes })}\n`);
}

const round = (value: number) => Math.round(value * 100) / 100;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) void readStdin().then((text) => loadUntilStopped(JSON.parse(text) as Load));
