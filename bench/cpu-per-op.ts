import { randomBytes } from 'node:crypto';
import type { Figure } from './figure';
import { runPool, send } from './http-client';
import { Child, cpuMsOf } from './infra';
import { createMap, register } from './seed';

export interface CpuPerOpEnv {
  api: Child;
  bare: Child;
  apiUrl: string;
  bareUrl: string;
}

const ROUNDS = 4;
const PER_ROUND = 400;
const CONCURRENCY = 8;
const SAVE_BYTES = 16 * 1024;

/**
 * Server CPU per operation, the steadiest measure on a shared machine (throughput swings with
 * whatever else runs; the CPU a request costs the server much less): a read (GET /api/mindmaps/:id),
 * an open (the same with ?include=content: detail and a 16 KiB head's bytes in one answer) and a
 * 16 KiB save (PUT …/blob), each through the API, and the read and the save through the bare
 * Fastify + pg routes beside it. CPU of the server process (its threads' on-CPU time), 8 requests
 * at a time, alternating rounds; the median round of each. Run in every bench run, whatever the
 * subset.
 */
export async function benchCpuPerOp(env: CpuPerOpEnv): Promise<Figure> {
  console.log('\n[cpu] server CPU per read, open and 16 KiB save (API, and the bare routes for read and save)');
  const user = await register(env.apiUrl);
  const headers = { authorization: `Bearer ${user.accessToken}` };
  const readMap = await createMap(env.apiUrl, user);
  const openMap = await createMap(env.apiUrl, user);
  const saveMaps = await Promise.all(Array.from({ length: 8 }, () => createMap(env.apiUrl, user, 50)));
  const body = randomBytes(SAVE_BYTES);
  const upload = (base: string, mapId: string) =>
    send('PUT', `${base}/api/mindmaps/${mapId}/blob`, { headers: { ...headers, 'content-type': 'application/octet-stream' }, body });
  const head = await upload(env.apiUrl, openMap);
  if (head.status !== 201) throw new Error(`seeding the open map answered ${head.status}`);

  type Op = { name: string; server: Child; request: (i: number) => ReturnType<typeof send>; expect: number };
  const ops: Op[] = [
    { name: 'read', server: env.api, request: () => send('GET', `${env.apiUrl}/api/mindmaps/${readMap}`, { headers }), expect: 200 },
    { name: 'bareRead', server: env.bare, request: () => send('GET', `${env.bareUrl}/api/mindmaps/${readMap}`, { headers }), expect: 200 },
    { name: 'open', server: env.api, request: () => send('GET', `${env.apiUrl}/api/mindmaps/${openMap}?include=content`, { headers }), expect: 200 },
    { name: 'save', server: env.api, request: (i) => upload(env.apiUrl, saveMaps[i % saveMaps.length]), expect: 201 },
    { name: 'bareSave', server: env.bare, request: (i) => upload(env.bareUrl, saveMaps[i % saveMaps.length]), expect: 201 },
  ];
  const measure = async (op: Op, count: number) => {
    const before = cpuMsOf(op.server.pid);
    await runPool(count, CONCURRENCY, async (i) => {
      const res = await op.request(i);
      if (res.status !== op.expect) throw new Error(`${op.name} answered ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
    });
    return ((cpuMsOf(op.server.pid) - before) / count) * 1000;
  };
  for (const op of ops) await measure(op, 50);
  const us: Record<string, number[]> = Object.fromEntries(ops.map((op) => [op.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const op of round % 2 === 0 ? ops : [...ops].reverse()) us[op.name].push(await measure(op, PER_ROUND));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = Object.fromEntries(Object.entries(us).map(([name, xs]) => [name, Math.round(med(xs))])) as Record<string, number>;
  return {
    name: 'server CPU per operation (µs): read, open (detail + 16 KiB head), 16 KiB save; ratio = API read ÷ bare read',
    goal: 'reported',
    ratio: m.read / m.bareRead,
    pass: null,
    summary: `API: read ${m.read} µs, open ${m.open} µs, 16 KiB save ${m.save} µs; bare route: read ${m.bareRead} µs, 16 KiB save ${m.bareSave} µs (save ÷ bare ${(m.save / m.bareSave).toFixed(2)})`,
    raw: {
      unit: 'µs of server CPU a request (median of the rounds)',
      api: { read: m.read, open: m.open, save16KiB: m.save },
      bare: { read: m.bareRead, save16KiB: m.bareSave },
      concurrency: CONCURRENCY,
      requestsPerRound: PER_ROUND,
      rounds: Object.fromEntries(Object.entries(us).map(([name, xs]) => [name, xs.map((x) => Math.round(x))])),
    },
  };
}
