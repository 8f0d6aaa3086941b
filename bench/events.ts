import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import type { Pool } from 'pg';
import { signJwt } from '../test/utils/jwt';
import type { Figure } from './figure';
import { percentile, runPool, send } from './http-client';
import { rssOf } from './infra';
import { createMap, register } from './seed';

const MiB = 1024 * 1024;
/** The figures' goals (issue 18). */
const RSS_GROWTH_GOAL_MIB = 200;
const HEALTH_P99_GOAL_MS = 20;
const DELIVERY_P99_GOAL_MS = 250;

export interface EventsBenchOptions {
  apiUrl: string;
  apiPid: number;
  pool: Pool;
  jwtSecret: string;
  /** Accounts × devices = streams (2,000 × 5 = 10,000 by default). */
  accounts?: number;
  devices?: number;
  /** Saves per second and for how long, s. */
  savesPerS?: number;
  saveSeconds?: number;
}

interface Account {
  userId: string;
  token: string;
  mapId: string;
}

/** One device's open GET /api/events: when each map.saved (by version id) arrived. */
interface Device {
  account: number;
  request: http.ClientRequest;
  arrivals: Map<string, number>;
}

/**
 * Live events at scale, against one API process: 10,000 idle streams (2,000 accounts × 5 devices)
 * cost ≤ 200 MiB of RSS and move /health's p99 by ≤ 20 ms; with them open and 100 saves a second
 * (each a real upload to a random account's map), a save reaches the account's other 4 devices
 * with p99 ≤ 250 ms after the save was answered (an event that beats the answer counts as 0; the
 * time from the save's start, which adds the upload itself, and the uploads' own latency are
 * reported beside it).
 */
export async function benchEvents(options: EventsBenchOptions): Promise<Figure[]> {
  const accountsN = options.accounts ?? 2000;
  const devicesN = options.devices ?? 5;
  const accounts = await seedAccounts(options, accountsN);
  console.log(`events: ${accountsN} accounts seeded`);

  const idleHealth = await healthP99(options.apiUrl);
  const rssBefore = await settledRss(options.apiPid);
  const devices: Device[] = [];
  const started = performance.now();
  await runPool(accountsN * devicesN, 200, async (i) => {
    devices.push(await openStream(options.apiUrl, accounts[i % accountsN]!, i % accountsN));
  });
  const openMs = performance.now() - started;
  console.log(`events: ${devices.length} streams open in ${Math.round(openMs)} ms`);
  const rssAfter = await settledRss(options.apiPid);
  const streamsHealth = await healthP99(options.apiUrl);
  const growthMiB = (rssAfter - rssBefore) / MiB;
  const healthDelta = streamsHealth - idleHealth;

  const delivery = await deliveries(options, accounts, devices, devicesN);
  for (const device of devices) device.request.destroy();

  return [
    {
      name: `events: RSS growth of one API process holding ${devices.length} idle streams (MiB; ratio = ÷ ${RSS_GROWTH_GOAL_MIB})`,
      goal: `≤ ${RSS_GROWTH_GOAL_MIB} MiB (ratio ≤ 1)`,
      ratio: growthMiB / RSS_GROWTH_GOAL_MIB,
      pass: growthMiB <= RSS_GROWTH_GOAL_MIB,
      raw: { streams: devices.length, accounts: accountsN, rssBeforeMiB: round1(rssBefore / MiB), rssAfterMiB: round1(rssAfter / MiB), growthMiB: round1(growthMiB), openMs: Math.round(openMs) },
    },
    {
      name: `events: /health p99 with ${devices.length} streams open minus with none (ms; ratio = ÷ ${HEALTH_P99_GOAL_MS})`,
      goal: `≤ +${HEALTH_P99_GOAL_MS} ms (ratio ≤ 1)`,
      ratio: Math.max(0, healthDelta) / HEALTH_P99_GOAL_MS,
      pass: healthDelta <= HEALTH_P99_GOAL_MS,
      raw: { p99NoStreamsMs: idleHealth, p99WithStreamsMs: streamsHealth, deltaMs: healthDelta },
    },
    {
      name: `events: a save reaches the account's other devices, ${delivery.savesPerS} saves/s over ${devices.length} streams (p99 ms after the save was answered; ratio = ÷ ${DELIVERY_P99_GOAL_MS})`,
      goal: `p99 ≤ ${DELIVERY_P99_GOAL_MS} ms, none lost (ratio ≤ 1)`,
      ratio: delivery.p99 / DELIVERY_P99_GOAL_MS,
      pass: delivery.p99 <= DELIVERY_P99_GOAL_MS && delivery.lost === 0,
      raw: delivery,
    },
  ];
}

/**
 * Accounts straight through SQL (a registered template's row copied under fresh ids and emails,
 * each with one map copied from the template's), and access tokens signed with the API's secret:
 * 2,000 registrations through the API would spend minutes on Argon2id and measure nothing here.
 */
async function seedAccounts(options: EventsBenchOptions, n: number): Promise<Account[]> {
  const template = await register(options.apiUrl);
  const templateMap = await createMap(options.apiUrl, template);
  const columns = async (table: string, skip: string[]) =>
    (await options.pool.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()`, [table])).rows
      .map((r) => r.column_name)
      .filter((c) => !skip.includes(c));
  const userCols = await columns('users', ['id', 'email']);
  const tag = randomBytes(4).toString('hex');
  const users = await options.pool.query<{ id: string; token_version: number }>(
    `INSERT INTO users (id, email, ${userCols.join(', ')})
     SELECT gen_random_uuid(), 'bench-events-' || $3 || '-' || g || '@example.com', ${userCols.map((c) => `t.${c}`).join(', ')}
     FROM users t, generate_series(1, $2::int) g WHERE t.id = $1::uuid
     RETURNING id, token_version`,
    [template.userId, n, tag],
  );
  const mapCols = await columns('mind_maps', ['id', 'owner_id', 'head_version_id', 'size_bytes', 'version_count']);
  const maps = await options.pool.query<{ id: string; owner_id: string }>(
    `INSERT INTO mind_maps (id, owner_id, head_version_id, size_bytes, version_count, ${mapCols.join(', ')})
     SELECT gen_random_uuid(), u.id, NULL, 0, 0, ${mapCols.map((c) => `t.${c}`).join(', ')}
     FROM mind_maps t, unnest($2::uuid[]) AS u(id) WHERE t.id = $1::uuid
     RETURNING id, owner_id`,
    [templateMap, users.rows.map((u) => u.id)],
  );
  const mapOf = new Map(maps.rows.map((m) => [m.owner_id, m.id]));
  const now = Math.floor(Date.now() / 1000);
  return users.rows.map((u) => ({
    userId: u.id,
    mapId: mapOf.get(u.id)!,
    token: signJwt({ sub: u.id, ver: u.token_version, iat: now, exp: now + 3600 }, options.jwtSecret),
  }));
}

function openStream(apiUrl: string, account: Account, index: number): Promise<Device> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${apiUrl}/api/events`, { agent: false, headers: { accept: 'text/event-stream', authorization: `Bearer ${account.token}` } });
    const device: Device = { account: index, request, arrivals: new Map() };
    request.on('error', reject);
    request.on('response', (response) => {
      if (response.statusCode !== 200) return reject(new Error(`GET /api/events: ${response.statusCode}`));
      response.setEncoding('utf8');
      let buffered = '';
      let ready = false;
      response.on('data', (chunk: string) => {
        const now = performance.now();
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (!ready && frame.includes('event: ready')) {
            ready = true;
            resolve(device);
          }
          const saved = /event: map\.saved\ndata: (.*)/.exec(frame);
          if (saved) device.arrivals.set((JSON.parse(saved[1]!) as { versionId: string }).versionId, now);
        }
      });
      response.on('error', () => undefined);
    });
    request.end();
  });
}

async function deliveries(options: EventsBenchOptions, accounts: Account[], devices: Device[], devicesN: number) {
  const savesPerS = options.savesPerS ?? 100;
  const total = savesPerS * (options.saveSeconds ?? 20);
  const byAccount = new Map<number, Device[]>();
  for (const d of devices) byAccount.set(d.account, [...(byAccount.get(d.account) ?? []), d]);
  const saves: { account: number; startedAt: number; answeredAt?: number; versionId?: string; failed?: number }[] = [];
  const body = randomBytes(256);
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    // Paced: save i starts at i / rate seconds, whatever the answers do.
    const due = start + (i * 1000) / savesPerS;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const account = (i * 7919) % accounts.length;
    const save: (typeof saves)[number] = { account, startedAt: performance.now() };
    saves.push(save);
    const a = accounts[account]!;
    inFlight.push(
      send('PUT', `${options.apiUrl}/api/mindmaps/${a.mapId}/blob`, { headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream' }, body }).then(
        (answer) => {
          save.answeredAt = performance.now();
          if (answer.status === 201) save.versionId = (JSON.parse(answer.body.toString('utf8')) as { versionId: string }).versionId;
          else save.failed = answer.status;
        },
        () => void (save.failed = -1),
      ),
    );
  }
  const achievedPerS = total / ((performance.now() - start) / 1000);
  await Promise.all(inFlight);
  // Deliveries still on their way get a few seconds; whatever has not come then is lost.
  const latencies: number[] = [];
  const fromStart: number[] = [];
  let lost = 0;
  const deadline = performance.now() + 5000;
  for (;;) {
    latencies.length = 0;
    fromStart.length = 0;
    lost = 0;
    for (const save of saves) {
      if (!save.versionId) continue;
      // Device 0 of the account is the one that saved; the other devices must hear of it.
      for (const device of (byAccount.get(save.account) ?? []).slice(1)) {
        const at = device.arrivals.get(save.versionId);
        if (at === undefined) lost++;
        else {
          // The save is made when its answer comes back; an event that beat the answer counts as 0.
          latencies.push(Math.max(0, at - save.answeredAt!));
          fromStart.push(at - save.startedAt);
        }
      }
    }
    if (lost === 0 || performance.now() > deadline) break;
    await sleep(200);
  }
  const answered = saves.filter((s) => s.answeredAt !== undefined);
  return {
    savesPerS,
    achievedSavesPerS: round1(achievedPerS),
    saves: saves.length,
    failedSaves: saves.filter((s) => s.failed !== undefined).length,
    deliveries: latencies.length,
    lost,
    p50: round1(percentile(latencies, 50)),
    p99: round1(percentile(latencies, 99)),
    max: round1(Math.max(...latencies)),
    fromSaveStartP50: round1(percentile(fromStart, 50)),
    fromSaveStartP99: round1(percentile(fromStart, 99)),
    uploadP50: round1(percentile(answered.map((s) => s.answeredAt! - s.startedAt), 50)),
    uploadP99: round1(percentile(answered.map((s) => s.answeredAt! - s.startedAt), 99)),
    loadAverage: loadavg().map(round1),
    devicesPerAccount: devicesN,
  };
}

/** /health's p99 over 10 s of 10 connections, ms. */
async function healthP99(apiUrl: string): Promise<number> {
  const result = await autocannon({ url: `${apiUrl}/health`, connections: 10, duration: 10 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`/health: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.latency.p99;
}

/** RSS once it has stopped moving (two readings a second apart within 2 MiB), bytes. */
async function settledRss(pid: number): Promise<number> {
  let last = rssOf(pid);
  for (let i = 0; i < 15; i++) {
    await sleep(1000);
    const now = rssOf(pid);
    if (Math.abs(now - last) < 2 * MiB) return now;
    last = now;
  }
  return last;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
