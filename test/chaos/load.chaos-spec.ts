import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/storage/adapters/fs-blob-store';
import { auditBooks } from '../reliability/invariants';
import { prng } from '../reliability/fuzzer';
import { Api, eventually, TestUser } from '../utils/api';
import { AppProcess, RedisProcess, startApi, startRedisServer, startWorker } from '../utils/app-process';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
/** A hard stop for each client, whatever the clock says. */
const MAX_REQUESTS_PER_CLIENT = 5000;
const USERS = 20;
const MAPS_PER_USER = 10;

interface Saved {
  mapId: string;
  versionId: string;
  sha: string;
  size: number;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * 200 clients for 30 s against one API process (with its worker, on a private Redis) mixing
 * uploads, restores (racing the pruning worker), downloads and lists. Then the books: no 5xx, no
 * lost version, usage equal to the bytes stored, no object without its row.
 */
describe('load', () => {
  let db: TestDatabase;
  let dataDir: string;
  let redis: RedisProcess;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'mindvault-load-'));
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const p of processes) await p.stop('SIGTERM');
    await redis?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`serves ${CLIENTS} clients for ${SECONDS} s with zero 5xx and loses nothing`, async () => {
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'mvload',
      JOB_DEBOUNCE_MS: '200',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      FREE_STORAGE_BYTES: String(10 * 1024 ** 3),
      // Ten clients share each user; the per-user upload cap is not what this run measures.
      MAX_CONCURRENT_UPLOADS: '16',
    };
    const api = await startApi(env);
    processes.push(api);
    processes.push(await startWorker(env));
    const client = new Api(api.baseUrl);

    const users: TestUser[] = await Promise.all(Array.from({ length: USERS }, () => client.register()));
    // Half the maps keep every version (exact accounting), half keep 3 (pruning all along).
    const maps = new Map<string, { mapId: string; maxVersions: number }[]>();
    for (const user of users) {
      const own = [];
      for (let i = 0; i < MAPS_PER_USER; i++) {
        const maxVersions = i % 2 === 0 ? 50 : 3;
        own.push({ mapId: (await client.createMap(user, { maxVersions })).id, maxVersions });
      }
      maps.set(user.userId, own);
    }

    const saved: Saved[] = [];
    const serverErrors: string[] = [];
    const otherAnswers: string[] = [];
    const seenHeads: { mapId: string; versionId: string; sha: string }[] = [];
    const counts = { upload: 0, restore: 0, restoreGone: 0, download: 0, list: 0, other4xx: 0 };
    const deadline = Date.now() + SECONDS * 1000;

    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const rnd = prng(c + 1);
        const user = users[c % USERS];
        const own = maps.get(user.userId)!;
        const fullMaps = own.filter((m) => m.maxVersions === 50);
        for (let n = 0; n < MAX_REQUESTS_PER_CLIENT && Date.now() < deadline; n++) {
          const r = rnd();
          // Uploads favour the maps that keep everything, so nearly none of them reaches 50.
          const map = r < 0.3 ? fullMaps[Math.floor(rnd() * fullMaps.length)] : own[Math.floor(rnd() * own.length)];
          try {
            if (r < 0.45) {
              const bytes = randomBytes(512 + Math.floor(rnd() * 32 * 1024));
              const res = await client.upload(user, map.mapId, bytes);
              counts.upload++;
              if (res.status === 201) saved.push({ mapId: map.mapId, versionId: res.body.versionId, sha: sha(bytes), size: bytes.length });
              else note(res.status, res.body, 'upload');
            } else if (r < 0.5) {
              // Restore an earlier version: on the pruned maps this races the worker deleting it.
              const earlier = saved.filter((x) => x.mapId === map.mapId);
              if (earlier.length === 0) continue;
              const old = earlier[Math.floor(rnd() * earlier.length)];
              const res = await client.request<{ versionId: string }>('POST', `/api/mindmaps/${map.mapId}/versions/${old.versionId}/restore`, {
                token: user.accessToken,
              });
              counts.restore++;
              if (res.status === 201) saved.push({ ...old, versionId: res.body.versionId });
              else if (res.status === 404 && ['VERSION_NOT_FOUND', 'BLOB_NOT_FOUND'].includes((res.body as { code?: string }).code ?? '')) counts.restoreGone++;
              else note(res.status, res.body, 'restore');
            } else if (r < 0.8) {
              const res = await client.request('GET', `/api/mindmaps/${map.mapId}/blob`, { token: user.accessToken });
              counts.download++;
              if (res.status === 200) {
                const versionId = (res.headers.get('etag') ?? '').replace(/"/g, '');
                seenHeads.push({ mapId: map.mapId, versionId, sha: sha(res.body as unknown as Buffer) });
              } else if (!(res.status === 404 && (res.body as { code?: string }).code === 'NO_CONTENT_YET')) {
                note(res.status, res.body, 'download');
              }
            } else {
              const path = rnd() < 0.5 ? '/api/mindmaps?limit=10' : `/api/mindmaps/${map.mapId}/versions`;
              const res = await client.request('GET', path, { token: user.accessToken });
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
    expect(saved.length).toBeGreaterThan(CLIENTS);

    // Every head a client read was a version some client had been told was saved, with those bytes.
    const bySha = new Map(saved.map((s) => [s.versionId, s]));
    for (const head of seenHeads) {
      expect(bySha.get(head.versionId)?.sha, `head ${head.versionId} of ${head.mapId}`).toBe(head.sha);
    }

    // Let the worker finish pruning, then check every map against what the clients were told.
    const allMaps = [...maps.values()].flat();
    const savedBy = (mapId: string) => saved.filter((s) => s.mapId === mapId);
    const rowsOf = async (mapId: string) =>
      (await db.pool.query<{ id: string }>('SELECT id FROM map_versions WHERE map_id = $1', [mapId])).rows.map((r) => r.id);
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
      const detail = await db.pool.query('SELECT head_version_id, version_count FROM mind_maps WHERE id = $1', [m.mapId]);
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

    const books = await auditBooks(db.pool, new FsBlobStore(join(dataDir, 'blobs')));
    expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], ledgeredOrphans: [], rowsWithoutObject: [] });
    const usage = await db.pool.query('SELECT sum(usage_bytes)::bigint AS total FROM user_usage');
    const bytes = await db.pool.query('SELECT coalesce(sum(size_bytes), 0)::bigint AS total FROM map_versions');
    expect(Number(usage.rows[0].total)).toBe(Number(bytes.rows[0].total));
  });

  it('keeps the books straight while maps are deleted under uploads, restores and prunes', async () => {
    // In-process pruning this time (no REDIS_URL), with its own database and blob directory.
    const dbDel = await createTestDatabase();
    const dirDel = await mkdtemp(join(tmpdir(), 'mindvault-load-del-'));
    try {
      const api = await startApi({
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: dbDel.url,
        DATA_DIR: dirDel,
        JOB_DEBOUNCE_MS: '50',
        AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
        FREE_STORAGE_BYTES: String(10 * 1024 ** 3),
      });
      processes.push(api);
      const client = new Api(api.baseUrl);
      const users = await Promise.all(Array.from({ length: 5 }, () => client.register()));
      const live = new Map<string, string[]>(users.map((u) => [u.userId, []]));
      for (const u of users) for (let i = 0; i < 4; i++) live.get(u.userId)!.push((await client.createMap(u, { maxVersions: 2 })).id);
      const serverErrors: string[] = [];
      const counts = { upload: 0, restore: 0, deleted: 0, created: 0, gone: 0 };
      const deadline = Date.now() + 10_000;
      await Promise.all(
        Array.from({ length: 60 }, async (_, c) => {
          const rnd = prng(1000 + c);
          const user = users[c % users.length];
          const maps = live.get(user.userId)!;
          for (let n = 0; n < 2000 && Date.now() < deadline; n++) {
            const mapId = maps[Math.floor(rnd() * maps.length)];
            const r = rnd();
            let res: { status: number; body: unknown };
            if (r < 0.7) {
              res = await client.upload(user, mapId, randomBytes(256 + Math.floor(rnd() * 8192)));
              counts.upload++;
            } else if (r < 0.85) {
              const versions = await client.request<{ items: { versionId: string }[] }>('GET', `/api/mindmaps/${mapId}/versions`, { token: user.accessToken });
              const pick = versions.status === 200 ? versions.body.items[versions.body.items.length - 1] : undefined;
              if (!pick) continue;
              res = await client.request('POST', `/api/mindmaps/${mapId}/versions/${pick.versionId}/restore`, { token: user.accessToken });
              counts.restore++;
            } else if (r < 0.95) {
              res = await client.request('DELETE', `/api/mindmaps/${mapId}`, { token: user.accessToken });
              if (res.status === 204) {
                counts.deleted++;
                const replacement = await client.createMap(user, { maxVersions: 2 });
                counts.created++;
                const at = maps.indexOf(mapId);
                if (at >= 0) maps[at] = replacement.id;
              }
            } else {
              res = await client.request('GET', `/api/mindmaps/${mapId}/blob`, { token: user.accessToken });
            }
            if (res.status >= 500) serverErrors.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
            else if (res.status === 404) counts.gone++;
          }
        }),
      );
      console.log(`deletes under load: ${JSON.stringify(counts)}`);
      expect(serverErrors.slice(0, 10)).toEqual([]);
      expect(counts.deleted).toBeGreaterThan(10);
      // Pruning settles, then every counter, row and object must agree.
      await eventually(async () => {
        const over = await dbDel.pool.query('SELECT count(*)::int AS n FROM mind_maps WHERE version_count > max_versions');
        return over.rows[0].n === 0;
      }, 30_000);
      const books = await auditBooks(dbDel.pool, new FsBlobStore(join(dirDel, 'blobs')));
      expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
      const counted = await dbDel.pool.query(
        `SELECT count(*)::int AS n FROM mind_maps m
         WHERE version_count <> (SELECT count(*) FROM map_versions v WHERE v.map_id = m.id)`,
      );
      expect(counted.rows[0].n).toBe(0);
      await api.stop('SIGTERM');
    } finally {
      await dbDel.drop();
      await rm(dirDel, { recursive: true, force: true });
    }
  });
});
