import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/storage/adapters/fs-blob-store';
import { auditBooks } from '../reliability/invariants';
import { prng } from '../reliability/fuzzer';
import { Api, eventually } from '../utils/api';
import { AppProcess, RedisProcess, startApi, startRedisServer, startWorker } from '../utils/app-process';
import { createTestDatabase, TestDatabase } from '../utils/test-database';
import { runLoadMix } from './load-mix';

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);

/**
 * 200 clients for 30 s against one API process (with its worker, on a private Redis) mixing
 * uploads, restores (racing the pruning worker), downloads and lists. Then the books: no 5xx, no
 * lost version, usage equal to the bytes stored (the quota charges are 0 here, so charged bytes are
 * the version sizes), no object without its row.
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
    await runLoadMix([new Api(api.baseUrl)], db.pool, { clients: CLIENTS, seconds: SECONDS });

    const books = await auditBooks(db.pool, new FsBlobStore(join(dataDir, 'blobs')));
    expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], ledgeredOrphans: [], rowsWithoutObject: [], reservationsLeft: [] });
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
