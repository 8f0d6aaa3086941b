import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { Client as MinioClient } from 'minio';
import { Pool } from 'pg';
import type { AppConfig } from '../src/config/app-config';
import { BullMqJobQueue } from '../src/queue/bullmq-job-queue';
import { freePort } from '../test/utils/free-port';
import { median, percentile, runPool, send } from './http-client';
import {
  API_NODE_OPTIONS,
  appEnv,
  Child,
  cpuMsOf,
  DIST,
  Postgres,
  RedisServer,
  resetPeakRss,
  rssOf,
  S3Settings,
  spawnNode,
  startPostgres,
  startRedis,
  startS3rverProcess,
  waitForHttp,
} from './infra';
import type { Figure } from './figure';
import { benchHealthUnderBigBodies } from './big-bodies';
import { benchCpuPerOp } from './cpu-per-op';
import { benchListScaling, benchSmallUpload } from './persistence';
import { benchReconcile } from './reconcile';
import { benchHistory } from './history';
import { benchRequestCost } from './request-cost';
import { benchHookCost } from './hook-cost';
import { benchMetricsOverhead } from './metrics-overhead';
import { BenchUser, createMap, register, seedVersions } from './seed';
import { benchWebApp } from './web-app';
import { benchEvents } from './events';
import { benchPeerStandardNotes } from './peer-standard-notes';

/**
 * `npm run bench [-- name…]`: every figure is a ratio of two things measured side by side in this
 * run, on this machine, against the same PostgreSQL, Redis and s3rver, or a measure against its
 * goal. Names: api-get, upload, quota, rss, prune, big-bodies (/health p99 while 20 clients send
 * 16 MiB bodies, against alone), cost (/health p99 alone vs while a free account sends its largest
 * allowed key rotation, and vs while anonymous clients send 64 KiB bodies of unknown properties at
 * the rate limit, on an API with the shipped limits), crypto (the client: unlock, push/pull CPU,
 * Argon2id), metrics (GET and uploads with metrics on vs off, request logs on vs off), hooks (the
 * same hooks' CPU per request in isolation), web (the browser app in Chromium: download size,
 * unlock to an editable map, autosave), small-upload (16 KiB uploads, API vs a bare Fastify + pg
 * route), lists (map and version pages of a heavy owner vs a light one), reconcile (a worker's sweep
 * of 30,000 vs 100,000 stored objects: time and peak RSS), rotation (key rotation of a user with
 * 1,000 maps vs 100 through the SDK: time and the API's peak RSS), history (a map of 10,000 autosaves
 * over 90 days: what thinning keeps, the worker's thinning vs the same by hand, its history page in
 * Chromium; bench/history.ts), events (10,000 idle event streams on one API process: RSS growth and
 * /health p99 against none; a save's delivery to the account's other devices at 100 saves/s;
 * mergeDocuments of two 1,000-node edits), peer (Mindvault ÷ the Standard Notes server on this
 * machine: read, open and 16 KiB save at 32 connections, req/s and server CPU a request; skipped
 * unless SN_PEER_DIR names a built checkout of it; bench/peer-standard-notes.ts). Every run, a
 * subset too, first measures the server CPU per read, open and 16 KiB save (cpu). A whole run writes every figure to
 * bench/results/latest.json (with the Node version and the machine's load), from which
 * `npm run bench:readme` writes the README's table; a subset writes bench/results/subset.json and
 * leaves latest.json alone, so latest.json never mixes runs.
 * `--profile` runs the API and the bare baseline under `node --cpu-prof` (profiles in bench/results/);
 * BENCH_API_NODE_ARGS adds node options to the API process (e.g. `--trace-gc`).
 */
const MiB = 1024 * 1024;
const RESULTS = resolve(DIST, '..', 'bench', 'results');

interface Env {
  pg: Postgres;
  redis: RedisServer;
  s3: S3Settings;
  children: Child[];
  s3rver: Child;
  api: Child;
  worker: Child;
  bare: Child;
  apiUrl: string;
  bareUrl: string;
  pool: Pool;
  jwtSecret: string;
  /** What `api` was started with. */
  apiEnv: Record<string, string>;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const profile = args.includes('--profile');
  const selected = args.filter((a) => !a.startsWith('--'));
  const want = (name: string) => selected.length === 0 || selected.includes(name);
  mkdirSync(RESULTS, { recursive: true });

  const env = await setUp(profile);
  if (args.includes('--serve')) return serve(env);
  const figures: Figure[] = [];
  const loadAtStart = os.loadavg();
  const started = new Date();
  try {
    figures.push(await benchCpuPerOp(env));
    if (want('api-get')) figures.push(await benchGet(env));
    if (want('upload')) figures.push(await benchUpload(env));
    if (want('quota')) figures.push(await benchQuota(env));
    if (want('rss')) figures.push(await benchRss(env));
    if (want('prune')) figures.push(await benchPrune(env));
    if (want('big-bodies')) figures.push(await benchHealthUnderBigBodies(env.apiUrl, env.api.pid));
    if (want('cost')) figures.push(...(await benchRequestCost({ databaseUrl: env.pg.url, redisUrl: env.redis.url, s3: env.s3, jwtSecret: env.jwtSecret })));
    if (want('small-upload')) figures.push(await benchSmallUpload(env));
    if (want('lists')) figures.push(...(await benchListScaling(env)));
    if (want('metrics')) {
      figures.push(...(await benchMetricsOverhead({ ...env, databaseUrl: env.pg.url, redisUrl: env.redis.url })));
    }
    if (want('hooks')) figures.push(await benchHookCost());
    if (want('reconcile')) figures.push(await benchReconcile({ redisUrl: env.redis.url, s3: env.s3, jwtSecret: env.jwtSecret }));
    if (want('rotation')) {
      const { benchKeyRotation } = await import('./key-rotation.mjs');
      figures.push(await benchKeyRotation(env.apiUrl, env.api.pid, resolve(DIST, '..')));
    }
    if (want('crypto')) {
      // ESM (the client package is): loaded at run time, after the client was built.
      const { benchCrypto } = await import('./crypto-client.mjs');
      figures.push(...(await benchCrypto(env.apiUrl, resolve(DIST, '..'))));
    }
    if (want('web')) figures.push(...(await benchWebApp(env.apiUrl)));
    if (want('history')) figures.push(...(await benchHistory({ apiUrl: env.apiUrl, pool: env.pool, s3: env.s3, redisUrl: env.redis.url })));
    if (want('events')) {
      figures.push(...(await benchEvents({ apiUrl: env.apiUrl, apiPid: env.api.pid, pool: env.pool, jwtSecret: env.jwtSecret })));
      const { benchMergeOnly } = await import('./crypto-client.mjs');
      figures.push(await benchMergeOnly(resolve(DIST, '..')));
    }
    if (want('peer')) figures.push(...(await benchPeerStandardNotes(env)));
  } finally {
    if (process.env.BENCH_API_NODE_ARGS) console.log(`\nAPI's last lines:\n${env.api.tail()}`);
    await tearDown(env);
  }
  print(figures);
  const whole = selected.length === 0;
  const file = resolve(RESULTS, whole ? 'latest.json' : 'subset.json');
  const out = {
    date: started.toISOString(),
    finished: new Date().toISOString(),
    node: process.version,
    run: whole ? 'all figures, one run' : `subset: ${selected.join(', ')}`,
    machine: { cpus: os.cpus().length, totalMemMiB: Math.round(os.totalmem() / MiB), loadAverage: { atStart: loadAtStart.map(round2), atEnd: os.loadavg().map(round2) } },
    blobStore: 's3rver (S3 API on loopback, its own process)',
    figures,
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwritten to bench/results/${whole ? 'latest' : 'subset'}.json`);
}

async function setUp(profile: boolean): Promise<Env> {
  console.log('starting PostgreSQL database, redis-server, s3rver, API, worker and the bare baseline…');
  // Whatever started is stopped again if a later step fails: no process outlives the bench.
  const undo: (() => Promise<void>)[] = [];
  try {
    const pg = await startPostgres();
    undo.push(pg.stop);
    const redis = await startRedis();
    undo.push(redis.stop);
    const { settings: s3, child: s3rver } = await startS3rverProcess();
    undo.push(() => s3rver.stop());
    const jwtSecret = randomBytes(32).toString('hex');
    const apiPort = await freePort();
    const apiEnv = appEnv({ databaseUrl: pg.url, redisUrl: redis.url, s3, jwtSecret, port: apiPort });
    const api = spawnNode(
      'api',
      'src/main.js',
      apiEnv,
      [...API_NODE_OPTIONS, ...(profile ? profileArgs('api') : []), ...(process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    );
    undo.push(() => api.stop());
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${apiUrl}/health/ready`, api);
    // Started after the API has run the migrations.
    const worker = spawnNode('worker', 'src/worker.js', appEnv({ databaseUrl: pg.url, redisUrl: redis.url, s3, jwtSecret }));
    undo.push(() => worker.stop());
    const barePort = await freePort();
    const bare = spawnNode(
      'bare',
      'bench/bare-server.js',
      {
        DATABASE_URL: pg.url,
        JWT_SECRET: jwtSecret,
        PORT: String(barePort),
        S3_ENDPOINT: s3.endPoint,
        S3_ACCESS_KEY: s3.accessKey,
        S3_SECRET_KEY: s3.secretKey,
        S3_BUCKET: s3.bucket,
      },
      profile ? profileArgs('bare') : [],
    );
    undo.push(() => bare.stop());
    const bareUrl = `http://127.0.0.1:${barePort}`;
    // Measured only once it listens: on a loaded machine its start takes seconds.
    await waitForHttp(`${bareUrl}/health`, bare);
    if (worker.process.exitCode !== null) throw new Error(`worker exited:\n${worker.tail()}`);
    const pool = new Pool({ connectionString: pg.url, max: 4 });
    return { pg, redis, s3, children: [api, worker, bare, s3rver], s3rver, api, worker, bare, apiUrl, bareUrl, pool, jwtSecret, apiEnv };
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw error;
  }
}

/** `node --cpu-prof` sampling every 100 µs, the profile named after the process (api-….cpuprofile, bare-….cpuprofile). */
function profileArgs(name: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${RESULTS}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`, '--cpu-prof-interval=100'];
}

/** `--serve`: the same set-up, left running for poking at by hand (curl, a profiler) until Ctrl-C. */
async function serve(env: Env): Promise<void> {
  const user = await register(env.apiUrl);
  const mapId = await createMap(env.apiUrl, user);
  console.log(`API  ${env.apiUrl} (pid ${env.api.pid})\nbare ${env.bareUrl} (pid ${env.bare.pid})`);
  console.log(`try: curl -si -H 'authorization: Bearer ${user.accessToken}' ${env.apiUrl}/api/mindmaps/${mapId}`);
  await new Promise<void>((done) => process.once('SIGINT', () => done()));
  await tearDown(env);
}

async function tearDown(env: Env): Promise<void> {
  await env.pool.end();
  for (const child of env.children) await child.stop();
  await env.redis.stop();
  await env.pg.stop();
}

/** 1. GET /api/mindmaps/:id through the whole app vs the bare route, autocannon on loopback, 12 alternating rounds of 2 s. */
async function benchGet(env: Env): Promise<Figure> {
  console.log('\n[1/5] GET /api/mindmaps/:id: full app vs bare Fastify (autocannon)');
  const user = await register(env.apiUrl);
  const mapId = await createMap(env.apiUrl, user);
  const headers = { authorization: `Bearer ${user.accessToken}` };
  const fire = async (base: string, server: Child, seconds: number) => {
    const cpuBefore = cpuMsOf(server.pid);
    const result = await autocannon({ url: `${base}/api/mindmaps/${mapId}`, headers, connections: 32, duration: seconds });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${base}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    const cpuMsPerReq = (cpuMsOf(server.pid) - cpuBefore) / result.requests.total;
    return { rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, cpuMsPerReq };
  };
  await fire(env.apiUrl, env.api, 3);
  await fire(env.bareUrl, env.bare, 3);
  const app: Awaited<ReturnType<typeof fire>>[] = [];
  const bare: Awaited<ReturnType<typeof fire>>[] = [];
  // Short rounds, alternating (and alternating who goes first), so the machine's drift hits both
  // alike: on a machine others share, a burst of theirs lasts seconds, and twelve rounds of 2 s
  // spread it over both sides where four of 5 s could put it on one.
  for (let round = 0; round < 12; round++) {
    if (round % 2 === 0) {
      app.push(await fire(env.apiUrl, env.api, 2));
      bare.push(await fire(env.bareUrl, env.bare, 2));
    } else {
      bare.push(await fire(env.bareUrl, env.bare, 2));
      app.push(await fire(env.apiUrl, env.api, 2));
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const appRps = mean(app.map((r) => r.rps));
  const bareRps = mean(bare.map((r) => r.rps));
  const ratio = appRps / bareRps;
  const cpuApp = round3(mean(app.map((r) => r.cpuMsPerReq)));
  const cpuBare = round3(mean(bare.map((r) => r.cpuMsPerReq)));
  const roundRatios = app.map((r, i) => r.rps / bare[i].rps);
  return {
    name: 'GET /api/mindmaps/:id, app ÷ bare Fastify (req/s)',
    goal: '≥ 0.8',
    ratio,
    pass: ratio >= 0.8,
    summary: `${Math.round(appRps)} vs ${Math.round(bareRps)} req/s (rounds ${Math.min(...roundRatios).toFixed(2)}–${Math.max(...roundRatios).toFixed(2)}); server CPU ${cpuApp} vs ${cpuBare} ms a request`,
    raw: {
      connections: 32,
      appReqPerS: round1(appRps),
      bareReqPerS: round1(bareRps),
      appLatencyMs: { p50: app[0].p50, p99: Math.max(...app.map((r) => r.p99)) },
      bareLatencyMs: { p50: bare[0].p50, p99: Math.max(...bare.map((r) => r.p99)) },
      serverCpuMsPerRequest: { app: cpuApp, bare: cpuBare },
      rounds: { app: app.map((r) => round1(r.rps)), bare: bare.map((r) => round1(r.rps)) },
      requestsMeasured: { app: app.reduce((s, r) => s + r.total, 0), bare: bare.reduce((s, r) => s + r.total, 0) },
      roundRatios: app.map((r, i) => round3(r.rps / bare[i].rps)),
    },
  };
}

/** 2. 1 MiB uploads through the API vs PUTs of the same bytes straight to the same s3rver. */
async function benchUpload(env: Env): Promise<Figure> {
  console.log('\n[2/5] 1 MiB uploads: API vs direct PUT to the same s3rver');
  const user = await register(env.apiUrl);
  const maps = await Promise.all(Array.from({ length: 16 }, () => createMap(env.apiUrl, user, 50)));
  const body = randomBytes(MiB);
  const s3 = minio(env.s3);
  const concurrency = 8;
  const perRound = 40;
  const cpu = () => ({ api: cpuMsOf(env.api.pid), s3rver: cpuMsOf(env.s3rver.pid), bench: process.cpuUsage() });
  const cpuSince = (before: ReturnType<typeof cpu>, count: number) => {
    const bench = process.cpuUsage(before.bench);
    return {
      api: (cpuMsOf(env.api.pid) - before.api) / count,
      s3rver: (cpuMsOf(env.s3rver.pid) - before.s3rver) / count,
      client: (bench.user + bench.system) / 1000 / count,
    };
  };
  const viaApi = async (count: number) => {
    const before = cpu();
    const started = performance.now();
    const times = await runPool(count, concurrency, async (i) => {
      const res = await send('PUT', `${env.apiUrl}/api/mindmaps/${maps[i % maps.length]}/blob`, {
        headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/octet-stream' },
        body,
      });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${res.body.toString('utf8')}`);
      return res.ms;
    });
    return { seconds: (performance.now() - started) / 1000, times, cpuMs: cpuSince(before, count) };
  };
  const direct = async (count: number) => {
    const before = cpu();
    const started = performance.now();
    const times = await runPool(count, concurrency, async () => {
      const key = `users/${user.userId}/maps/${randomUUID()}/${randomUUID()}`;
      const url = await s3.presignedPutObject(env.s3.bucket, key, 300);
      const res = await send('PUT', url, { body });
      if (res.status !== 200) throw new Error(`direct PUT answered ${res.status}`);
      return res.ms;
    });
    return { seconds: (performance.now() - started) / 1000, times, cpuMs: cpuSince(before, count) };
  };
  await viaApi(16);
  await direct(16);
  type Run = Awaited<ReturnType<typeof direct>>;
  const apiRuns: Run[] = [];
  const directRuns: Run[] = [];
  for (let round = 0; round < 6; round++) {
    if (round % 2 === 0) {
      directRuns.push(await direct(perRound));
      apiRuns.push(await viaApi(perRound));
    } else {
      apiRuns.push(await viaApi(perRound));
      directRuns.push(await direct(perRound));
    }
  }
  const rate = (runs: { seconds: number }[]) => (runs.length * perRound) / runs.reduce((s, r) => s + r.seconds, 0);
  const apiRate = rate(apiRuns);
  const directRate = rate(directRuns);
  const ratio = apiRate / directRate;
  const times = (runs: { times: number[] }[]) => runs.flatMap((r) => r.times);
  type CpuKey = 'api' | 's3rver' | 'client';
  const cpuOf = (runs: { cpuMs: Record<CpuKey, number> }[], key: CpuKey) => round2(runs.reduce((sum, r) => sum + r.cpuMs[key], 0) / runs.length);
  const uploadRoundRatios = apiRuns.map((r, i) => directRuns[i].seconds / r.seconds);
  return {
    name: '1 MiB uploads, API ÷ direct PUT to s3rver (uploads/s)',
    goal: '≥ 0.8',
    ratio,
    pass: ratio >= 0.8,
    summary:
      `${round1(apiRate)} vs ${round1(directRate)} uploads/s (rounds ${Math.min(...uploadRoundRatios).toFixed(2)}–${Math.max(...uploadRoundRatios).toFixed(2)}); ` +
      `CPU per upload: API ${cpuOf(apiRuns, 'api')} ms, s3rver ${cpuOf(apiRuns, 's3rver')} ms (${cpuOf(directRuns, 's3rver')} ms direct)`,
    raw: {
      blobStore: 's3rver',
      concurrency,
      uploads: apiRuns.length * perRound,
      roundRatios: apiRuns.map((r, i) => round3(directRuns[i].seconds / r.seconds)),
      apiUploadsPerS: round1(apiRate),
      directUploadsPerS: round1(directRate),
      apiMiBPerS: round1(apiRate),
      directMiBPerS: round1(directRate),
      apiLatencyMs: { p50: round1(median(times(apiRuns))), p99: round1(percentile(times(apiRuns), 99)) },
      directLatencyMs: { p50: round1(median(times(directRuns))), p99: round1(percentile(times(directRuns), 99)) },
      cpuMsPerUpload: {
        api: { apiProcess: cpuOf(apiRuns, 'api'), s3rver: cpuOf(apiRuns, 's3rver'), client: cpuOf(apiRuns, 'client') },
        direct: { s3rver: cpuOf(directRuns, 's3rver'), client: cpuOf(directRuns, 'client') },
      },
    },
  };
}

/** 3. Upload latency of a user owning 10,000 versions vs one owning 1: the quota path is O(1). */
async function benchQuota(env: Env): Promise<Figure> {
  console.log('\n[3/5] upload latency: owner of 10,000 versions vs owner of 1');
  const heavy = await register(env.apiUrl);
  const light = await register(env.apiUrl);
  const heavyMap = await createMap(env.apiUrl, heavy);
  const lightMap = await createMap(env.apiUrl, light);
  // 500 maps × 20 versions (each map at its maxVersions, so nothing of it is pruned meanwhile).
  await seedVersions(env.pool, heavy.userId, heavyMap, { maps: 500, perMap: 20, sizeBytes: 4096, maxVersions: 20 });
  const body = randomBytes(16 * 1024);
  const upload = async (user: BenchUser, mapId: string) => {
    const res = await send('PUT', `${env.apiUrl}/api/mindmaps/${mapId}/blob`, {
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/octet-stream' },
      body,
    });
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${res.body.toString('utf8')}`);
    return res.ms;
  };
  await upload(light, lightMap);
  const counts = await env.pool.query<{ owner_id: string; n: number }>(
    'SELECT owner_id, count(*)::int AS n FROM map_versions WHERE owner_id = ANY($1::uuid[]) GROUP BY owner_id',
    [[heavy.userId, light.userId]],
  );
  const owned = Object.fromEntries(counts.rows.map((r) => [r.owner_id, r.n]));
  for (let i = 0; i < 20; i++) {
    await upload(heavy, heavyMap);
    await upload(light, lightMap);
  }
  const heavyMs: number[] = [];
  const lightMs: number[] = [];
  // Interleaved, alternating who goes first, so drift in the machine hits both alike.
  for (let i = 0; i < 200; i++) {
    if (i % 2 === 0) {
      heavyMs.push(await upload(heavy, heavyMap));
      lightMs.push(await upload(light, lightMap));
    } else {
      lightMs.push(await upload(light, lightMap));
      heavyMs.push(await upload(heavy, heavyMap));
    }
  }
  const ratio = median(heavyMs) / median(lightMs);
  return {
    name: 'upload latency, owner of 10,000 versions ÷ owner of 1 (median)',
    goal: '≤ 1.1',
    ratio,
    pass: ratio <= 1.1,
    summary: `p50 ${round2(median(heavyMs))} vs ${round2(median(lightMs))} ms (200 interleaved 16 KiB uploads each)`,
    raw: {
      versionsOwnedAtStart: { heavy: owned[heavy.userId], light: owned[light.userId] },
      uploads: heavyMs.length,
      bodyBytes: body.length,
      heavyMs: { p50: round2(median(heavyMs)), p90: round2(percentile(heavyMs, 90)), p99: round2(percentile(heavyMs, 99)) },
      lightMs: { p50: round2(median(lightMs)), p90: round2(percentile(lightMs, 90)), p99: round2(percentile(lightMs, 99)) },
    },
  };
}

/** 4. Peak RSS growth of the API process while 32 clients upload 8 MiB each at once. */
async function benchRss(env: Env): Promise<Figure> {
  console.log('\n[4/5] peak RSS growth of the API during 32 concurrent 8 MiB uploads');
  const user = await register(env.apiUrl);
  const maps = await Promise.all(Array.from({ length: 32 }, () => createMap(env.apiUrl, user)));
  const chunk = randomBytes(64 * 1024);
  const repeat = (8 * MiB) / chunk.length;
  const upload = async (mapId: string) => {
    const res = await send('PUT', `${env.apiUrl}/api/mindmaps/${mapId}/blob`, {
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/octet-stream' },
      body: chunk,
      repeat,
    });
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${res.body.toString('utf8')}`);
    return res.ms;
  };
  // Warm the paths (JIT, pools, sockets) the burst will use, then let the heap settle.
  for (let i = 0; i < 4; i++) await upload(maps[i]);
  await sleep(2000);
  const pid = env.api.pid;
  const baseline = rssOf(pid);
  const hwmReset = resetPeakRss(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 5);
  const started = performance.now();
  const times = await Promise.all(maps.map(upload));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (hwmReset) peak = Math.max(peak, rssOf(pid, 'VmHWM'));
  const growth = peak - baseline;
  const limit = 64 * MiB;
  return {
    name: 'API peak RSS growth, 32 concurrent 8 MiB uploads (MiB; ratio = growth ÷ 64 MiB budget)',
    goal: '< 64 MiB (ratio < 1)',
    ratio: growth / limit,
    pass: growth < limit,
    summary: `${round1(growth / MiB)} MiB: ${round1(baseline / MiB)} → ${round1(peak / MiB)} MiB while 256 MiB streamed through`,
    raw: {
      baselineRssMiB: round1(baseline / MiB),
      peakRssMiB: round1(peak / MiB),
      growthMiB: round1(growth / MiB),
      uploadedMiB: 32 * 8,
      peakSource: hwmReset ? 'VmHWM after clear_refs, and VmRSS sampled every 5 ms' : 'VmRSS sampled every 5 ms',
      burstSeconds: round2(seconds),
      latencyMs: { p50: round1(median(times)), max: round1(Math.max(...times)) },
    },
  };
}

/** 5. Versions pruned per second by the worker process on BullMQ vs the same deletions done by hand. */
async function benchPrune(env: Env): Promise<Figure> {
  console.log('\n[5/5] pruning throughput: worker process on BullMQ vs direct deletes');
  const user = await register(env.apiUrl);
  const template = await createMap(env.apiUrl, user);
  const mapCount = 40;
  const perMap = 40;
  const keep = 5;
  const s3 = minio(env.s3);
  const object = randomBytes(4096);
  const seedGroup = async () => {
    const maps = await seedVersions(env.pool, user.userId, template, { maps: mapCount, perMap, sizeBytes: object.length, maxVersions: keep });
    const keys = maps.flatMap((m) => m.versions.map((v) => v.objectKey));
    await runPool(keys.length, 16, async (i) => {
      const url = await s3.presignedPutObject(env.s3.bucket, keys[i], 300);
      const res = await send('PUT', url, { body: object });
      if (res.status !== 200) throw new Error(`seed PUT answered ${res.status}`);
    });
    return maps;
  };
  const viaWorker = await seedGroup();
  const byHand = await seedGroup();
  const removed = mapCount * (perMap - keep);

  const countIn = async (maps: { mapId: string }[]) =>
    (
      await env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM map_versions WHERE map_id = ANY($1::uuid[])', [
        maps.map((m) => m.mapId),
      ])
    ).rows[0].n;

  // The API's own producer, without the debounce delay, so the clock measures the worker alone.
  const queue = new BullMqJobQueue({ queue: { redisUrl: env.redis.url, prefix: 'mvbench', debounceMs: 0 } } as AppConfig);
  let started = performance.now();
  for (const m of viaWorker) await queue.enqueue('prune-versions', { mapId: m.mapId });
  while ((await countIn(viaWorker)) > mapCount * keep) {
    if (performance.now() - started > 120_000) throw new Error('the worker did not finish pruning in 2 minutes');
    await sleep(10);
  }
  const workerSeconds = (performance.now() - started) / 1000;
  await queue.onApplicationShutdown();

  // By hand: one DELETE for all the rows, then the objects over 4 lanes (the worker's concurrency).
  started = performance.now();
  const gone = await env.pool.query<{ object_key: string }>(
    `DELETE FROM map_versions WHERE id IN (
       SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY map_id ORDER BY seq DESC) AS r
                       FROM map_versions WHERE map_id = ANY($1::uuid[])) ranked WHERE r > $2)
     RETURNING object_key`,
    [byHand.map((m) => m.mapId), keep],
  );
  await runPool(gone.rows.length, 4, (i) => s3.removeObject(env.s3.bucket, gone.rows[i].object_key));
  const handSeconds = (performance.now() - started) / 1000;
  if (gone.rows.length !== removed) throw new Error(`deleted ${gone.rows.length} by hand, expected ${removed}`);

  const workerRate = removed / workerSeconds;
  const handRate = removed / handSeconds;
  return {
    name: 'pruning, worker on BullMQ ÷ direct SQL + object deletes (versions/s)',
    goal: 'reported (no goal set)',
    ratio: workerRate / handRate,
    pass: null,
    raw: {
      maps: mapCount,
      versionsRemoved: removed,
      workerVersionsPerS: round1(workerRate),
      directVersionsPerS: round1(handRate),
      workerSeconds: round2(workerSeconds),
      directSeconds: round2(handSeconds),
      workerConcurrency: 4,
    },
  };
}

function minio(s3: S3Settings): MinioClient {
  const url = new URL(s3.endPoint);
  return new MinioClient({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    region: 'us-east-1',
  });
}

function print(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    f.goal,
    f.skipped ? '-' : f.ratio.toFixed(3),
    f.skipped ? 'SKIPPED' : f.pass === null ? '-' : f.pass ? 'PASS' : 'MISS',
    JSON.stringify(f.raw),
  ]);
  const header = ['benchmark', 'goal', 'ratio', 'result', 'raw'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 4 ? 0 : r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]))).join(' | ');
  console.log(`\n${line(header)}`);
  console.log(widths.map((w, i) => '-'.repeat(i === 4 ? 3 : w)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
