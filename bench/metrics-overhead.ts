import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { freePort } from '../test/utils/free-port';
import type { Figure } from './figure';
import { median, runPool, send } from './http-client';
import { API_NODE_OPTIONS, appEnv, Child, cpuMsOf, S3Settings, spawnNode, waitForHttp } from './infra';
import { createMap, register } from './seed';

const MiB = 1024 * 1024;
/** Many short rounds, alternating: on a shared machine the median of per-round ratios is what holds. */
const GET_ROUNDS = 8;
const UPLOAD_ROUNDS = 6;

export interface MetricsBenchEnv {
  api: Child;
  apiUrl: string;
  databaseUrl: string;
  redisUrl: string;
  s3: S3Settings;
  jwtSecret: string;
}

interface Variant {
  name: string;
  url: string;
  child: Child;
}

/**
 * The cost of observability on the hot paths: the bench's API (metrics on, as by default) beside a
 * second API process on the same services with METRICS_ENABLED=false, and a third logging a line
 * per request (LOG_LEVEL=info, the production default; the bench's APIs run at warn). GET with
 * autocannon and 1 MiB uploads, in alternating rounds.
 */
export async function benchMetricsOverhead(env: MetricsBenchEnv): Promise<Figure[]> {
  console.log('\n[metrics] GET and 1 MiB uploads: metrics on vs off, request logs on vs off');
  const spawnApi = async (name: string, extra: Record<string, string>): Promise<Variant> => {
    const port = await freePort();
    const child = spawnNode(
      name,
      'src/main.js',
      { ...appEnv({ databaseUrl: env.databaseUrl, redisUrl: env.redisUrl, s3: env.s3, jwtSecret: env.jwtSecret, port }), ...extra },
      API_NODE_OPTIONS,
    );
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/health/ready`, child);
    return { name, url, child };
  };
  const on: Variant = { name: 'metrics on', url: env.apiUrl, child: env.api };
  const off = await spawnApi('api-metrics-off', { METRICS_ENABLED: 'false' });
  const logged = await spawnApi('api-request-logs', { LOG_LEVEL: 'info' });
  try {
    const user = await register(env.apiUrl);
    const mapId = await createMap(env.apiUrl, user, 50);
    const get = await compareGet([on, off, logged], `/api/mindmaps/${mapId}`, user.accessToken);
    const upload = await compareUploads([on, off], user.accessToken, await Promise.all(Array.from({ length: 8 }, () => createMap(env.apiUrl, user, 50))));
    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    const roundRatios = (a: number[], b: number[]) => a.map((x, i) => ratio(x, b[i]));
    const figure = (name: string, a: { rounds: number[]; cpuRounds: number[] }, b: { rounds: number[]; cpuRounds: number[] }) => {
      const perRound = roundRatios(a.rounds, b.rounds);
      const value = median(perRound);
      return { name, perRound, value, cpuRatio: median(roundRatios(b.cpuRounds, a.cpuRounds)) };
    };
    const getOnOff = figure('get', get[0], get[1]);
    const uploadOnOff = figure('upload', upload[0], upload[1]);
    const logs = figure('logs', get[2], get[0]);
    return [
      {
        name: 'GET /api/mindmaps/:id, metrics on ÷ off (req/s, median of rounds)',
        goal: '≥ 0.95 (within noise)',
        ratio: getOnOff.value,
        pass: getOnOff.value >= 0.95,
        raw: { on: get[0], off: get[1], roundRatios: getOnOff.perRound, cpuPerRequestOffOverOn: getOnOff.cpuRatio },
      },
      {
        name: '1 MiB uploads, metrics on ÷ off (uploads/s, median of rounds)',
        goal: '≥ 0.95 (within noise)',
        ratio: uploadOnOff.value,
        pass: uploadOnOff.value >= 0.95,
        raw: { on: upload[0], off: upload[1], roundRatios: uploadOnOff.perRound, cpuPerUploadOffOverOn: uploadOnOff.cpuRatio },
      },
      {
        name: 'GET /api/mindmaps/:id, a log line per request ÷ none (req/s, median of rounds)',
        goal: '—',
        ratio: logs.value,
        pass: null,
        raw: { logged: get[2], notLogged: get[0], roundRatios: logs.perRound, cpuPerRequestNotLoggedOverLogged: logs.cpuRatio },
        note: 'LOG_LEVEL=info (the default) writes one JSON line per request; the bench runs its APIs at warn',
      },
    ];
  } finally {
    await off.child.stop();
    await logged.child.stop();
  }
}

async function compareGet(variants: Variant[], path: string, token: string) {
  const fire = async (v: Variant, seconds: number) => {
    const cpuBefore = cpuMsOf(v.child.pid);
    const result = await autocannon({ url: `${v.url}${path}`, headers: { authorization: `Bearer ${token}` }, connections: 32, duration: seconds });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${v.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return { rps: result.requests.average, cpuMsPerReq: (cpuMsOf(v.child.pid) - cpuBefore) / result.requests.total };
  };
  for (const v of variants) await fire(v, 3);
  const runs = variants.map(() => [] as { rps: number; cpuMsPerReq: number }[]);
  for (let round = 0; round < GET_ROUNDS; round++) {
    // Alternating who goes first, so the machine's drift hits every variant alike.
    const order = round % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i);
    for (const i of order) runs[i].push(await fire(variants[i], 3));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return runs.map((r) => ({
    rps: Math.round(mean(r.map((x) => x.rps)) * 10) / 10,
    cpuMsPerRequest: Math.round(mean(r.map((x) => x.cpuMsPerReq)) * 1000) / 1000,
    rounds: r.map((x) => Math.round(x.rps)),
    cpuRounds: r.map((x) => Math.round(x.cpuMsPerReq * 1000) / 1000),
  }));
}

async function compareUploads(variants: Variant[], token: string, maps: string[]) {
  const body = randomBytes(MiB);
  const perRound = 40;
  const run = async (v: Variant, count: number) => {
    const cpuBefore = cpuMsOf(v.child.pid);
    const started = performance.now();
    await runPool(count, 8, async (i) => {
      const res = await send('PUT', `${v.url}/api/mindmaps/${maps[i % maps.length]}/blob`, {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body,
      });
      if (res.status !== 201) throw new Error(`${v.name}: upload answered ${res.status}`);
    });
    return { perS: count / ((performance.now() - started) / 1000), cpuMsPerUpload: (cpuMsOf(v.child.pid) - cpuBefore) / count };
  };
  for (const v of variants) await run(v, 16);
  const runs = variants.map(() => [] as { perS: number; cpuMsPerUpload: number }[]);
  for (let round = 0; round < UPLOAD_ROUNDS; round++) {
    const order = round % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i);
    for (const i of order) runs[i].push(await run(variants[i], perRound));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return runs.map((r) => ({
    perS: Math.round(mean(r.map((x) => x.perS)) * 10) / 10,
    cpuMsPerUpload: Math.round(mean(r.map((x) => x.cpuMsPerUpload)) * 100) / 100,
    rounds: r.map((x) => Math.round(x.perS * 10) / 10),
    cpuRounds: r.map((x) => Math.round(x.cpuMsPerUpload * 100) / 100),
  }));
}
