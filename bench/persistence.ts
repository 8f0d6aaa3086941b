import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { Figure } from './figure';
import { median, percentile, runPool, send } from './http-client';
import { cpuMsOf, Child } from './infra';
import { BenchUser, createMap, register } from './seed';

export interface PersistenceBenchEnv {
  api: Child;
  bare: Child;
  apiUrl: string;
  bareUrl: string;
  pool: Pool;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * 16 KiB uploads through the API ÷ the bare Fastify + pg route doing the same work (auth reads,
 * the S3 PUT, the head-move / usage / version transaction), 8 alternating rounds of 48, 8 at a time.
 */
export async function benchSmallUpload(env: PersistenceBenchEnv): Promise<Figure> {
  console.log('\n[small-upload] 16 KiB uploads: API vs bare Fastify + pg route');
  const user = await register(env.apiUrl);
  const apiMaps = await Promise.all(Array.from({ length: 16 }, () => createMap(env.apiUrl, user, 50)));
  const bareMaps = await Promise.all(Array.from({ length: 16 }, () => createMap(env.apiUrl, user, 50)));
  const body = randomBytes(16 * 1024);
  const perRound = 48;
  const run = async (base: string, server: Child, maps: string[], count: number) => {
    const cpuBefore = cpuMsOf(server.pid);
    const started = performance.now();
    const times = await runPool(count, 8, async (i) => {
      const res = await send('PUT', `${base}/api/mindmaps/${maps[i % maps.length]}/blob`, {
        headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/octet-stream' },
        body,
      });
      if (res.status !== 201) throw new Error(`${base} upload answered ${res.status}: ${res.body.toString('utf8')}`);
      return res.ms;
    });
    return { seconds: (performance.now() - started) / 1000, times, cpuMs: (cpuMsOf(server.pid) - cpuBefore) / count };
  };
  await run(env.apiUrl, env.api, apiMaps, 16);
  await run(env.bareUrl, env.bare, bareMaps, 16);
  type Run = Awaited<ReturnType<typeof run>>;
  const api: Run[] = [];
  const bare: Run[] = [];
  for (let round = 0; round < 8; round++) {
    if (round % 2 === 0) {
      api.push(await run(env.apiUrl, env.api, apiMaps, perRound));
      bare.push(await run(env.bareUrl, env.bare, bareMaps, perRound));
    } else {
      bare.push(await run(env.bareUrl, env.bare, bareMaps, perRound));
      api.push(await run(env.apiUrl, env.api, apiMaps, perRound));
    }
  }
  const rate = (runs: Run[]) => (runs.length * perRound) / runs.reduce((s, r) => s + r.seconds, 0);
  const ratio = rate(api) / rate(bare);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    name: '16 KiB uploads, API ÷ bare Fastify + pg route, same transaction (uploads/s)',
    goal: '≥ 0.8',
    ratio,
    pass: ratio >= 0.8,
    summary:
      `${round2(rate(api))} vs ${round2(rate(bare))} uploads/s (rounds ${Math.min(...api.map((r, i) => bare[i].seconds / r.seconds)).toFixed(2)}–` +
      `${Math.max(...api.map((r, i) => bare[i].seconds / r.seconds)).toFixed(2)}); server CPU ${round2(mean(api.map((r) => r.cpuMs)))} vs ${round2(mean(bare.map((r) => r.cpuMs)))} ms an upload`,
    raw: {
      concurrency: 8,
      uploads: api.length * perRound,
      apiUploadsPerS: round2(rate(api)),
      bareUploadsPerS: round2(rate(bare)),
      roundRatios: api.map((r, i) => round3(bare[i].seconds / r.seconds)),
      latencyMs: { api: round2(median(api.flatMap((r) => r.times))), bare: round2(median(bare.flatMap((r) => r.times))) },
      serverCpuMsPerUpload: { api: round2(mean(api.map((r) => r.cpuMs))), bare: round2(mean(bare.map((r) => r.cpuMs))) },
    },
  };
}

/**
 * Listing latency does not grow with what a user owns: a user with 10,000 maps ÷ one with 10 (first
 * page, and a page 9,000 maps deep), and a map with 1,000 versions ÷ one with 10 (first page, and
 * 900 versions deep). Both sides get full pages of PAGE items: the light side's 10 fill two of them
 * (with 20 a page, its first page held 10 items and its deep page 5, against 20 for the heavy side,
 * so the ratio measured the answer's size, not the list's). Requests interleaved; p50 of each.
 */
const PAGE = 5;

export async function benchListScaling(env: PersistenceBenchEnv): Promise<Figure[]> {
  console.log('\n[lists] map and version pages: 10,000 maps vs 10, 1,000 versions vs 10');
  const heavy = await register(env.apiUrl);
  const light = await register(env.apiUrl);
  const heavyTemplate = await createMap(env.apiUrl, heavy);
  const lightTemplate = await createMap(env.apiUrl, light);
  // Made before the seeding: the free plan stops creating maps at its map cap.
  const heavyMap = await createMap(env.apiUrl, heavy);
  const lightMap = await createMap(env.apiUrl, light);
  await seedMaps(env.pool, heavyTemplate, 9_998);
  await seedMaps(env.pool, lightTemplate, 8);
  await seedMapVersions(env.pool, heavyMap, 1000);
  await seedMapVersions(env.pool, lightMap, 10);

  const mapsDeep = await mapCursorAt(env.pool, heavy.userId, 9_000);
  const mapsDeepLight = await mapCursorAt(env.pool, light.userId, 5);
  const versionsDeep = await versionCursorAt(env.pool, heavyMap, 900);
  const versionsDeepLight = await versionCursorAt(env.pool, lightMap, 5);
  const pages = {
    mapsFirst: { heavy: `/api/mindmaps?limit=${PAGE}`, light: `/api/mindmaps?limit=${PAGE}` },
    mapsDeep: { heavy: `/api/mindmaps?limit=${PAGE}&cursor=${mapsDeep}`, light: `/api/mindmaps?limit=${PAGE}&cursor=${mapsDeepLight}` },
    versionsFirst: { heavy: `/api/mindmaps/${heavyMap}/versions?limit=${PAGE}`, light: `/api/mindmaps/${lightMap}/versions?limit=${PAGE}` },
    versionsDeep: {
      heavy: `/api/mindmaps/${heavyMap}/versions?limit=${PAGE}&cursor=${versionsDeep}`,
      light: `/api/mindmaps/${lightMap}/versions?limit=${PAGE}&cursor=${versionsDeepLight}`,
    },
  };
  const get = async (user: BenchUser, path: string) => {
    const res = await send('GET', `${env.apiUrl}${path}`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body.toString('utf8')}`);
    return res.ms;
  };
  const p50 = async (name: keyof typeof pages) => {
    const heavyMs: number[] = [];
    const lightMs: number[] = [];
    for (let i = 0; i < 10; i++) await Promise.all([get(heavy, pages[name].heavy), get(light, pages[name].light)]);
    for (let i = 0; i < 150; i++) {
      if (i % 2 === 0) {
        heavyMs.push(await get(heavy, pages[name].heavy));
        lightMs.push(await get(light, pages[name].light));
      } else {
        lightMs.push(await get(light, pages[name].light));
        heavyMs.push(await get(heavy, pages[name].heavy));
      }
    }
    return { heavy: round2(median(heavyMs)), light: round2(median(lightMs)), heavyP90: round2(percentile(heavyMs, 90)), ratio: median(heavyMs) / median(lightMs) };
  };
  const mapsFirst = await p50('mapsFirst');
  const mapsDeepPage = await p50('mapsDeep');
  const versionsFirst = await p50('versionsFirst');
  const versionsDeepPage = await p50('versionsDeep');
  const worst = (a: { ratio: number }, b: { ratio: number }) => Math.max(a.ratio, b.ratio);
  return [
    {
      name: 'list maps p50, user of 10,000 maps ÷ user of 10 (worse of first page and 9,000 deep)',
      goal: '≤ 1.1',
      ratio: worst(mapsFirst, mapsDeepPage),
      pass: worst(mapsFirst, mapsDeepPage) <= 1.1,
      summary: `first page ${mapsFirst.heavy} vs ${mapsFirst.light} ms, 9,000 deep ${mapsDeepPage.heavy} vs ${mapsDeepPage.light} ms`,
      raw: { pageSize: PAGE, requestsEach: 150, firstPageMs: mapsFirst, deepPageMs: mapsDeepPage },
    },
    {
      name: 'list versions p50, map of 1,000 versions ÷ map of 10 (worse of first page and 900 deep)',
      goal: '≤ 1.2',
      ratio: worst(versionsFirst, versionsDeepPage),
      pass: worst(versionsFirst, versionsDeepPage) <= 1.2,
      summary: `first page ${versionsFirst.heavy} vs ${versionsFirst.light} ms, 900 deep ${versionsDeepPage.heavy} vs ${versionsDeepPage.light} ms`,
      raw: { pageSize: PAGE, requestsEach: 150, firstPageMs: versionsFirst, deepPageMs: versionsDeepPage },
    },
  ];
}

/** `count` more maps for the owner, copies of the template, one second apart in created_at. */
async function seedMaps(pool: Pool, templateId: string, count: number): Promise<void> {
  await pool.query(
    `INSERT INTO mind_maps (id, owner_id, encrypted_title, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek,
                            max_versions, head_version_id, size_bytes, version_count, created_at, updated_at)
     SELECT gen_random_uuid(), owner_id, encrypted_title, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek,
            max_versions, NULL, 0, 0, created_at - g * interval '1 second', created_at - g * interval '1 second'
     FROM mind_maps, generate_series(1, $2::int) g WHERE id = $1`,
    [templateId, count],
  );
  await pool.query('ANALYZE mind_maps');
}

/** `count` version rows of one map (rows only: listing never reads the objects). */
async function seedMapVersions(pool: Pool, mapId: string, count: number): Promise<void> {
  await pool.query(
    `INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek)
     SELECT v.id, m.id, m.owner_id, 'users/' || m.owner_id || '/maps/' || m.id || '/' || v.id, 4096,
            m.env_eph_classical_public, m.env_eph_pq_ciphertext, m.env_wrapped_dek
     FROM mind_maps m CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $2::int) g) v
     WHERE m.id = $1 ORDER BY v.g`,
    [mapId, count],
  );
  // A history that long is more than the free plan's maxVersions: kept whole, so no prune runs meanwhile.
  await pool.query('UPDATE mind_maps SET version_count = $2, max_versions = $2 WHERE id = $1', [mapId, count]);
  await pool.query('ANALYZE map_versions');
}

/** The cursor the server would hand out after the owner's `position`-th newest map. */
async function mapCursorAt(pool: Pool, ownerId: string, position: number): Promise<string> {
  const { rows } = await pool.query<{ created_at: Date; id: string }>(
    'SELECT created_at, id FROM mind_maps WHERE owner_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1',
    [ownerId, position - 1],
  );
  return Buffer.from(JSON.stringify([rows[0].created_at.toISOString(), rows[0].id])).toString('base64url');
}

/** The cursor the server would hand out after the map's `position`-th newest version. */
async function versionCursorAt(pool: Pool, mapId: string, position: number): Promise<string> {
  const { rows } = await pool.query<{ seq: string }>('SELECT seq FROM map_versions WHERE map_id = $1 ORDER BY seq DESC OFFSET $2 LIMIT 1', [
    mapId,
    position - 1,
  ]);
  return Buffer.from(`v${rows[0].seq}`, 'utf8').toString('base64url');
}
