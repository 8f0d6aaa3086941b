import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { expect } from 'vitest';
import { loadConfig, type Tier } from '../../src/config/app-config';
import { prng } from '../reliability/fuzzer';
import { Api, eventually, TestUser } from '../utils/api';

/** A hard stop for each client, whatever the clock says. */
const MAX_REQUESTS_PER_CLIENT = 5000;
const USERS = 20;
const MAPS_PER_USER = 10;
/** The load's users' plan: its last-hour tier keeps at least the versions a map asks for. */
const PLAN: Tier = 'team';
/** Half the maps ask to keep this many versions: more than nearly any of them is saved in a run. */
const MAX_VERSIONS_KEPT_WHOLE = 50;

interface Saved {
  mapId: string;
  versionId: string;
  sha: string;
  size: number;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The chaos suites' load: `options.clients` clients for `options.seconds` mixing uploads, restores
 * (racing the pruning worker), downloads and lists, client c talking to `apis[c % apis.length]`
 * (one API process, or several behind no balancer). Then what can be checked from outside: no
 * 5xx and no other surprise, every head read was a version a client was told was saved with
 * those bytes, every map keeps exactly what it should, and a sample reads back byte for byte.
 * The books (usage, objects and rows) are the caller's to audit against its blob store.
 */
export async function runLoadMix(apis: Api[], pool: Pool, options: { clients: number; seconds: number }): Promise<{ users: TestUser[] }> {
  const client = apis[0];
  const users: TestUser[] = await Promise.all(Array.from({ length: USERS }, () => client.register()));
  await pool.query('INSERT INTO tier_overrides (user_id, tier) SELECT unnest($1::uuid[]), $2', [users.map((u) => u.userId), PLAN]);
  // Every save of a run falls in its last hour: a map keeps min(its maxVersions, that tier's cap),
  // which on this plan is its maxVersions, as the checks below expect. (From the config, not from
  // GET /api/public/plans: that would spend the public rate budget another spec counts.)
  const plan = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: 'postgres://127.0.0.1/unused' }).tiers[PLAN];
  expect(plan.recentVersionsMax).toBeGreaterThanOrEqual(MAX_VERSIONS_KEPT_WHOLE);
  // Half the maps keep every version (exact accounting), half keep 3 (pruning all along).
  const maps = new Map<string, { mapId: string; maxVersions: number }[]>();
  for (const user of users) {
    const own = [];
    for (let i = 0; i < MAPS_PER_USER; i++) {
      const maxVersions = i % 2 === 0 ? MAX_VERSIONS_KEPT_WHOLE : 3;
      own.push({ mapId: (await client.createMap(user, { maxVersions })).id, maxVersions });
    }
    maps.set(user.userId, own);
  }

  const saved: Saved[] = [];
  const serverErrors: string[] = [];
  const otherAnswers: string[] = [];
  const seenHeads: { mapId: string; versionId: string; sha: string }[] = [];
  const counts = { upload: 0, restore: 0, restoreGone: 0, download: 0, list: 0, other4xx: 0 };
  const deadline = Date.now() + options.seconds * 1000;

  await Promise.all(
    Array.from({ length: options.clients }, async (_, c) => {
      const rnd = prng(c + 1);
      const api = apis[c % apis.length];
      const user = users[c % USERS];
      const own = maps.get(user.userId)!;
      const fullMaps = own.filter((m) => m.maxVersions === MAX_VERSIONS_KEPT_WHOLE);
      for (let n = 0; n < MAX_REQUESTS_PER_CLIENT && Date.now() < deadline; n++) {
        const r = rnd();
        // Uploads favour the maps that keep everything, so nearly none of them reaches 50.
        const map = r < 0.3 ? fullMaps[Math.floor(rnd() * fullMaps.length)] : own[Math.floor(rnd() * own.length)];
        try {
          if (r < 0.45) {
            const bytes = randomBytes(512 + Math.floor(rnd() * 32 * 1024));
            const res = await api.upload(user, map.mapId, bytes);
            counts.upload++;
            if (res.status === 201) saved.push({ mapId: map.mapId, versionId: res.body.versionId, sha: sha(bytes), size: bytes.length });
            else note(res.status, res.body, 'upload');
          } else if (r < 0.5) {
            // Restore an earlier version: on the pruned maps this races the worker deleting it.
            const earlier = saved.filter((x) => x.mapId === map.mapId);
            if (earlier.length === 0) continue;
            const old = earlier[Math.floor(rnd() * earlier.length)];
            const res = await api.request<{ versionId: string }>('POST', `/api/mindmaps/${map.mapId}/versions/${old.versionId}/restore`, {
              token: user.accessToken,
            });
            counts.restore++;
            if (res.status === 201) saved.push({ ...old, versionId: res.body.versionId });
            else if (res.status === 404 && ['VERSION_NOT_FOUND', 'BLOB_NOT_FOUND'].includes((res.body as { code?: string }).code ?? '')) counts.restoreGone++;
            else note(res.status, res.body, 'restore');
          } else if (r < 0.8) {
            const res = await api.request('GET', `/api/mindmaps/${map.mapId}/blob`, { token: user.accessToken });
            counts.download++;
            if (res.status === 200) {
              const versionId = (res.headers.get('etag') ?? '').replace(/"/g, '');
              seenHeads.push({ mapId: map.mapId, versionId, sha: sha(res.body as unknown as Buffer) });
            } else if (!(res.status === 404 && (res.body as { code?: string }).code === 'NO_CONTENT_YET')) {
              note(res.status, res.body, 'download');
            }
          } else {
            const path = rnd() < 0.5 ? '/api/mindmaps?limit=10' : `/api/mindmaps/${map.mapId}/versions`;
            const res = await api.request('GET', path, { token: user.accessToken });
            counts.list++;
            if (res.status !== 200) note(res.status, res.body, path);
          }
        } catch (error) {
          serverErrors.push(`client ${c}: ${String(error)}`);
        }
      }
    }),
  );

  function note(status: number, body: unknown, what: string) {
    if (status >= 500) serverErrors.push(`${what}: ${status} ${JSON.stringify(body).slice(0, 200)}`);
    else {
      counts.other4xx++;
      otherAnswers.push(`${what}: ${status} ${JSON.stringify(body).slice(0, 200)}`);
    }
  }

  console.log(`load: ${JSON.stringify(counts)}, ${saved.length} versions saved, ${serverErrors.length} server errors`);
  expect(serverErrors.slice(0, 10)).toEqual([]);
  expect(otherAnswers.slice(0, 10)).toEqual([]);
  expect(saved.length).toBeGreaterThan(options.clients);

  // Every head a client read was a version some client had been told was saved, with those bytes.
  const bySha = new Map(saved.map((s) => [s.versionId, s]));
  for (const head of seenHeads) {
    expect(bySha.get(head.versionId)?.sha, `head ${head.versionId} of ${head.mapId}`).toBe(head.sha);
  }

  // Let the worker finish pruning, then check every map against what the clients were told.
  const allMaps = [...maps.values()].flat();
  const savedBy = (mapId: string) => saved.filter((s) => s.mapId === mapId);
  const rowsOf = async (mapId: string) =>
    (await pool.query<{ id: string }>('SELECT id FROM map_versions WHERE map_id = $1', [mapId])).rows.map((r) => r.id);
  await eventually(async () => {
    for (const m of allMaps) if ((await rowsOf(m.mapId)).length > Math.min(m.maxVersions, savedBy(m.mapId).length)) return false;
    return true;
  }, 60_000);
  for (const m of allMaps) {
    const rows = new Set(await rowsOf(m.mapId));
    const told = savedBy(m.mapId);
    expect(rows.size, `versions of map ${m.mapId}`).toBe(Math.min(m.maxVersions, told.length));
    // No row the clients were not told about, and, where nothing is pruned, every version they were.
    for (const id of rows) expect(told.some((s) => s.versionId === id)).toBe(true);
    if (told.length <= m.maxVersions) expect([...rows].sort()).toEqual(told.map((s) => s.versionId).sort());
    const detail = await pool.query('SELECT head_version_id, version_count FROM mind_maps WHERE id = $1', [m.mapId]);
    expect(detail.rows[0].version_count).toBe(rows.size);
    if (told.length > 0) expect(rows.has(detail.rows[0].head_version_id)).toBe(true);
  }

  // A sample of kept versions reads back byte for byte.
  const owners = new Map(users.flatMap((u) => maps.get(u.userId)!.map((m) => [m.mapId, u] as const)));
  const keptWhole = new Set(allMaps.filter((m) => savedBy(m.mapId).length <= m.maxVersions).map((m) => m.mapId));
  const kept = saved.filter((s) => keptWhole.has(s.mapId)).slice(0, 300);
  expect(kept.length).toBeGreaterThan(100);
  for (const s of kept) {
    const res = await client.request('GET', `/api/mindmaps/${s.mapId}/blob?versionId=${s.versionId}`, { token: owners.get(s.mapId)!.accessToken });
    expect(res.status).toBe(200);
    expect(sha(res.body as unknown as Buffer)).toBe(s.sha);
  }

  return { users };
}
