import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/app-config';
import { retentionTiers, versionsToDrop } from '../../src/mindmaps/domain/retention-policy';
import { BullMqJobQueue } from '../../src/queue/bullmq-job-queue';
import { THIN_BATCH } from '../../src/mindmaps/jobs/prune-versions.service';
import { QUEUE_NAME } from '../../src/queue/jobs';
import { FsBlobStore } from '../../src/storage/adapters/fs-blob-store';
import { auditBooks } from '../reliability/invariants';
import { Api, eventually, TestUser } from '../utils/api';
import { AppProcess, RedisProcess, startApi, startRedisServer, startWorker } from '../utils/app-process';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/**
 * The queue's faults, with real processes: Redis going away under uploads (on a private
 * redis-server, never the machine's shared one) and the worker killed with SIGKILL mid-prune and
 * mid-thinning.
 */
describe('queue faults', () => {
  let db: TestDatabase;
  let dataDir: string;
  let redis: RedisProcess;
  let env: Record<string, string>;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'mindvault-chaos-'));
    redis = await startRedisServer();
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'mvchaos',
      JOB_DEBOUNCE_MS: '20',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      ORPHAN_GRACE_S: '0',
      // A worker killed between a batch's commit and its object deletes leaves up to a batch of
      // orphans, most of this small store: the sweep's share guard (its own e2e spec) would refuse
      // them, as it should in production until an operator raises the share for one run, as here.
      RECONCILE_MAX_DELETE_SHARE: '1',
    };
  });
  afterEach(async () => {
    for (const p of processes.splice(0)) await p.stop('SIGKILL');
  });
  afterAll(async () => {
    await redis?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const versionsOf = async (mapId: string) =>
    (await db.pool.query('SELECT count(*)::int AS n FROM map_versions WHERE map_id = $1', [mapId])).rows[0].n as number;
  const books = () => auditBooks(db.pool, new FsBlobStore(join(dataDir, 'blobs')));
  /**
   * Waits until every map is down to its two versions and the objects of the pruned ones are gone:
   * a prune deletes the rows in one commit and the objects after it, so the row count alone
   * reaches 2 while the last batch's objects are still being deleted.
   */
  const prunedToTwo = (maps: { id: string }[], timeoutMs: number) =>
    eventually(async () => {
      const counts = await Promise.all(maps.map((m) => versionsOf(m.id)));
      return counts.every((n) => n === 2) && (await books()).objectsWithoutRow.length === 0;
    }, timeoutMs);

  /**
   * Four maps of 2,000 versions each over a limit of 2, a prune queued per map, and a worker at work
   * on them: four batches a map, so a worker killed as it starts leaves some undone.
   */
  async function pruneUnderWay() {
    const api = await startApi(env);
    processes.push(api);
    const client = new Api(api.baseUrl);
    const user = await client.register();
    const maps = await Promise.all(Array.from({ length: 4 }, () => client.createMap(user, { maxVersions: 2 })));
    await seedVersions(user, maps.map((m) => m.id), 4 * THIN_BATCH);
    const producer = new BullMqJobQueue({ queue: { redisUrl: redis.url, prefix: 'mvchaos', debounceMs: 0 } } as AppConfig);
    for (const map of maps) await producer.enqueue('prune-versions', { mapId: map.id });
    await producer.onApplicationShutdown();
    const watcher = new Queue(QUEUE_NAME, { connection: { url: redis.url }, prefix: 'mvchaos' });
    const worker = await startWorker(env);
    processes.push(worker);
    await waitUntil(async () => (await watcher.getActiveCount()) > 0, 20_000);
    return { client, user, maps, watcher, worker };
  }

  it('keeps taking uploads while Redis is down, and prunes what piled up once it is back', async () => {
    const api = await startApi(env);
    processes.push(api);
    processes.push(await startWorker(env));
    const client = new Api(api.baseUrl);
    const user = await client.register();
    const maps = await Promise.all(Array.from({ length: 3 }, () => client.createMap(user, { maxVersions: 2 })));
    for (const map of maps) for (let i = 0; i < 3; i++) expect((await client.upload(user, map.id, randomBytes(1000))).status).toBe(201);
    await eventually(async () => (await Promise.all(maps.map((m) => versionsOf(m.id)))).every((n) => n === 2), 20_000);

    await redis.stop();
    for (const map of maps) {
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const res = await client.upload(user, map.id, randomBytes(2000));
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        // The producer fails fast: an upload never hangs on the queue.
        expect(Date.now() - started).toBeLessThan(5000);
      }
    }
    expect(await Promise.all(maps.map((m) => versionsOf(m.id)))).toEqual([7, 7, 7]);

    // Back, and empty: whatever was queued in it is gone. No upload comes to remind anyone.
    await redis.start();
    await prunedToTwo(maps, 60_000);
    expect(await books()).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
  });

  it('retries a prune whose worker was killed with SIGKILL mid-job, and leaves the books straight', async () => {
    // One prune queued per map, and a worker caught at work on them.
    const { client, user, maps, watcher, worker } = await pruneUnderWay();
    await worker.stop('SIGKILL');
    const left = await Promise.all(maps.map((m) => versionsOf(m.id)));
    expect(left.some((n) => n > 2), `all pruned before the kill: ${left}`).toBe(true);

    // A new worker finds the stalled jobs (BullMQ's lock expiry, ~30 s) and runs them again.
    processes.push(await startWorker(env));
    await eventually(async () => (await Promise.all(maps.map((m) => versionsOf(m.id)))).every((n) => n === 2), 120_000);
    await watcher.close();

    const state = await books();
    expect(state).toMatchObject({ usageMismatches: [], rowsWithoutObject: [] });
    // Objects whose rows went in a prune that died before deleting them are the sweeper's: run it.
    if (state.objectsWithoutRow.length > 0) {
      await db.pool.query("UPDATE users SET role = 'admin' WHERE id = $1", [user.userId]);
      const started = await client.request('POST', '/api/admin/storage/reconcile', { token: user.accessToken });
      expect(started.status).toBe(202);
      await eventually(async () => (await books()).objectsWithoutRow.length === 0, 60_000);
    }
    expect(await books()).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
  });

  it('thins aged histories under concurrent uploads, survives a worker SIGKILLed mid-thinning, and leaves the books straight', async () => {
    const api = await startApi(env);
    processes.push(api);
    const client = new Api(api.baseUrl);
    const user = await client.register();
    const maps = await Promise.all(Array.from({ length: 4 }, () => client.createMap(user, { maxVersions: 50 })));
    const ids = maps.map((m) => m.id);
    // 2,000 autosaves a map over 90 days: most of them are thinned away, a batch at a time.
    await seedVersions(user, ids, 2000);
    await db.pool.query("UPDATE map_versions SET saved_at = now() - random() * interval '90 days' WHERE map_id = ANY($1::uuid[])", [ids]);
    await db.pool.query('UPDATE mind_maps SET thin_due_at = now() WHERE id = ANY($1::uuid[])', [ids]);
    const producer = new BullMqJobQueue({ queue: { redisUrl: redis.url, prefix: 'mvchaos', debounceMs: 0 } } as AppConfig);
    await producer.enqueue('thin-due', {});
    const watcher = new Queue(QUEUE_NAME, { connection: { url: redis.url }, prefix: 'mvchaos' });
    const worker = await startWorker(env);
    processes.push(worker);
    await waitUntil(async () => (await watcher.getActiveCount()) > 0, 20_000);
    // Saves keep arriving while it thins, and after it died.
    const uploads = Promise.all(maps.map(async (m) => {
      for (let i = 0; i < 5; i++) expect((await client.upload(user, m.id, randomBytes(1024))).status).toBe(201);
    }));
    await sleep(300);
    await worker.stop('SIGKILL');
    const left = await Promise.all(maps.map((m) => versionsOf(m.id)));
    expect(left.some((n) => n > 50), `all thinned before the kill: ${left}`).toBe(true);
    await uploads;

    processes.push(await startWorker(env));
    await producer.enqueue('thin-due', {});
    await producer.onApplicationShutdown();
    // Done when what each map keeps is the policy's fixed point: nothing more to drop, head kept.
    await eventually(async () => {
      for (const id of ids) {
        const rows = await db.pool.query<{ id: string; saved_at: Date }>('SELECT id, saved_at FROM map_versions WHERE map_id = $1 ORDER BY seq DESC', [id]);
        const head = await db.pool.query<{ head_version_id: string }>('SELECT head_version_id FROM mind_maps WHERE id = $1', [id]);
        const versions = rows.rows.map((r) => ({ id: r.id, savedAt: r.saved_at, pinned: false }));
        if (versions.length > 50 || versions[0]?.id !== head.rows[0].head_version_id) return false;
        if (versionsToDrop({ versions, headVersionId: head.rows[0].head_version_id, now: new Date(), tiers: retentionTiers(10), cap: 50 }).length > 0) return false;
      }
      return true;
    }, 120_000);
    await watcher.close();

    const state = await books();
    expect(state).toMatchObject({ usageMismatches: [], rowsWithoutObject: [] });
    // Objects whose rows went in a batch that died before deleting them are the sweeper's.
    if (state.objectsWithoutRow.length > 0) {
      await db.pool.query("UPDATE users SET role = 'admin' WHERE id = $1", [user.userId]);
      expect((await client.request('POST', '/api/admin/storage/reconcile', { token: user.accessToken })).status).toBe(202);
      await eventually(async () => (await books()).objectsWithoutRow.length === 0, 60_000);
    }
    expect(await books()).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
  });

  it('lets a running prune finish when the worker gets SIGTERM, then exits 0', async () => {
    const { maps, watcher, worker } = await pruneUnderWay();
    const exit = await worker.stop('SIGTERM', 60_000);
    expect(exit, worker.output().slice(-2000)).toEqual({ code: 0, signal: null });
    // Whatever it had started is done, rows and objects alike; what it had not is still queued.
    expect(await books()).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
    processes.push(await startWorker(env));
    await prunedToTwo(maps, 60_000);
    await watcher.close();
    expect(await books()).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
  });

  /** `perMap` versions per map straight into the database and the fs store, with usage to match. */
  async function seedVersions(user: TestUser, mapIds: string[], perMap: number): Promise<void> {
    const rows = await db.pool.query<{ id: string; map_id: string; object_key: string }>(
      `INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek)
       SELECT v.id, m.id, m.owner_id, 'users/' || m.owner_id::text || '/maps/' || m.id || '/' || v.id, 1024,
              m.env_eph_classical_public, m.env_eph_pq_ciphertext, m.env_wrapped_dek
       FROM mind_maps m CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id FROM generate_series(1, $2::int) WHERE m.id IS NOT NULL) v
       WHERE m.id = ANY($1::uuid[])
       RETURNING id, map_id, object_key`,
      [mapIds, perMap],
    );
    await db.pool.query('UPDATE mind_maps SET version_count = version_count + $2 WHERE id = ANY($1::uuid[])', [mapIds, perMap]);
    await db.pool.query(
      `INSERT INTO user_usage (user_id, usage_bytes) VALUES ($1::uuid, (SELECT sum(size_bytes) FROM map_versions WHERE owner_id = $1::uuid))
       ON CONFLICT (user_id) DO UPDATE SET usage_bytes = EXCLUDED.usage_bytes`,
      [user.userId],
    );
    const body = randomBytes(1024);
    for (const row of rows.rows) {
      const path = join(dataDir, 'blobs', row.object_key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    }
  }
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}
