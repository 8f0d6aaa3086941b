import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionsToDrop, retentionTiers } from '../../src/mindmaps/domain/retention-policy';
import { THIN_BATCH } from '../../src/mindmaps/jobs/prune-versions.service';
import { JobQueue } from '../../src/queue/job-queue';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { auditBooks } from '../reliability/invariants';
import { Api, envelope, eventually, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** The age now of Thursday noon UTC `weeksAgo` weeks back, plus `extraMs`: well inside one week bucket. */
function midWeekAge(weeksAgo: number, extraMs = 0): number {
  const now = Date.now();
  const monday = Math.floor((now - 4 * DAY) / WEEK) * WEEK + 4 * DAY;
  return now - (monday - weeksAgo * WEEK + 3 * DAY + 12 * HOUR) + extraMs;
}

/** Thinning by age in the in-process queue, on the filesystem store: rows, objects and usage. */
describe('version thinning', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const books = () => auditBooks(t.db.pool, t.app.get(BlobStore));
  /** The books once the last batch's objects are gone too (they go after its commit). */
  const settledBooks = () => eventually(async () => {
    const b = await books();
    return b.objectsWithoutRow.length === 0 ? b : undefined;
  }, 30_000);
  const versionIds = async (mapId: string) =>
    (await t.db.pool.query<{ id: string }>('SELECT id FROM map_versions WHERE map_id = $1 ORDER BY seq DESC', [mapId])).rows.map((r) => r.id);

  /** Uploads `count` versions (newest last), then moves their save times to `agesMs` (newest first). */
  async function agedHistory(user: TestUser, mapId: string, agesMs: number[]): Promise<string[]> {
    for (let i = 0; i < agesMs.length; i++) expect((await api.upload(user, mapId, randomBytes(100 + i))).status).toBe(201);
    const ids = await versionIds(mapId);
    await t.db.pool.query(
      `UPDATE map_versions v SET saved_at = now() - (a.age_ms * interval '1 millisecond')
       FROM unnest($1::uuid[], $2::bigint[]) AS a(id, age_ms) WHERE v.id = a.id`,
      [ids, agesMs.map(Math.round)],
    );
    return ids;
  }

  /** What the policy keeps of the map at this moment (the same function the worker runs). */
  async function expectedKept(mapId: string, maxVersions: number, headId: string, pinned: string[] = []): Promise<string[]> {
    const rows = await t.db.pool.query<{ id: string; saved_at: Date }>('SELECT id, saved_at FROM map_versions WHERE map_id = $1 ORDER BY seq DESC', [mapId]);
    const versions = rows.rows.map((r) => ({ id: r.id, savedAt: r.saved_at, pinned: pinned.includes(r.id) }));
    const drop = new Set(versionsToDrop({ versions, headVersionId: headId, now: new Date(), tiers: retentionTiers(t.config.tiers.free.recentVersionsMax), cap: maxVersions }));
    return versions.filter((v) => !drop.has(v.id)).map((v) => v.id);
  }

  async function thinDue(): Promise<void> {
    await t.app.get(JobQueue).enqueue('thin-due', {});
  }

  it('thins an aged history to the last hour, one per hour, day and week, and gives back what it charged', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 50 });
    // Newest first: 4 in the last hour, 6 over two hours, 10 over days 2–5, 20 over days 35–90.
    const ages = [
      0, 5 * MINUTE, 10 * MINUTE, 20 * MINUTE,
      ...[2.2, 2.4, 2.6, 3.2, 3.4, 3.6].map((h) => h * HOUR),
      ...Array.from({ length: 10 }, (_, i) => 2 * DAY + i * 8 * HOUR),
      ...Array.from({ length: 20 }, (_, i) => 35 * DAY + i * 3 * DAY),
    ];
    const ids = await agedHistory(user, map.id, ages);
    const expected = await expectedKept(map.id, 50, ids[0]);
    expect(expected.length).toBeLessThan(ids.length);

    // No save since the times moved: the schedule alone finds the map (a save made it due).
    await thinDue();
    await eventually(async () => (await versionIds(map.id)).length === expected.length);
    expect(await versionIds(map.id)).toEqual(expected);
    expect(expected.slice(0, 4)).toEqual(ids.slice(0, 4));
    expect(await settledBooks()).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
    const counted = await t.db.pool.query('SELECT version_count, thin_due_at FROM mind_maps WHERE id = $1', [map.id]);
    expect(counted.rows[0].version_count).toBe(expected.length);
    // Next due when the newest changes tier, an hour after it was saved at the latest.
    expect(counted.rows[0].thin_due_at.getTime()).toBeGreaterThan(Date.now());
    expect(counted.rows[0].thin_due_at.getTime()).toBeLessThanOrEqual(Date.now() + HOUR);

    // Again: nothing more goes.
    await t.db.pool.query('UPDATE mind_maps SET thin_due_at = now() WHERE id = $1', [map.id]);
    await thinDue();
    await eventually(async () => (await t.db.pool.query('SELECT thin_due_at > now() AS later FROM mind_maps WHERE id = $1', [map.id])).rows[0].later);
    expect(await versionIds(map.id)).toEqual(expected);
  });

  it('keeps a version a live share link is pinned to, and lets it go once the link has expired', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 50 });
    const ids = await agedHistory(user, map.id, [0, midWeekAge(6), midWeekAge(6, HOUR), midWeekAge(6, 2 * HOUR)]);
    // The oldest of one week's three: the week keeps only its newest, ids[1].
    const held = ids[3];
    const share = await api.request<{ shareId: string }>('POST', `/api/mindmaps/${map.id}/shares`, {
      token: user.accessToken,
      json: { envelope: envelope(), keyVersion: 1, versionId: held },
    });
    expect(share.status).toBe(201);
    await thinDue();
    await eventually(async () => (await versionIds(map.id)).length === 3);
    expect(await versionIds(map.id)).toEqual([ids[0], ids[1], held]);

    await t.db.pool.query("UPDATE shares SET expires_at = now() - interval '1 second' WHERE id = $1", [share.body.shareId]);
    await t.db.pool.query('UPDATE mind_maps SET thin_due_at = now() WHERE id = $1', [map.id]);
    await thinDue();
    await eventually(async () => (await versionIds(map.id)).length === 2);
    expect(await versionIds(map.id)).toEqual([ids[0], ids[1]]);
    expect(await settledBooks()).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
  });

  it('thins a long history in batches down to its cap, oldest first, keeping the head', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 5 });
    const count = THIN_BATCH * 2 + 20;
    // Seeded straight into the database and the store, all saved "now" (one recent tier): only the cap thins.
    const rows = await t.db.pool.query<{ id: string; object_key: string }>(
      `INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek)
       SELECT v.id, m.id, m.owner_id, 'users/' || m.owner_id::text || '/maps/' || m.id || '/' || v.id, 10,
              m.env_eph_classical_public, m.env_eph_pq_ciphertext, m.env_wrapped_dek
       FROM mind_maps m CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id FROM generate_series(1, $2::int)) v
       WHERE m.id = $1 RETURNING id, object_key`,
      [map.id, count],
    );
    const store = t.app.get(BlobStore);
    const body = randomBytes(10);
    for (const row of rows.rows) await store.put(row.object_key, Readable.from([body]), 10);
    await t.db.pool.query('UPDATE mind_maps SET version_count = $2, thin_due_at = now() WHERE id = $1', [map.id, count]);
    await t.db.pool.query('INSERT INTO user_usage (user_id, usage_bytes) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET usage_bytes = EXCLUDED.usage_bytes', [user.userId, count * 10]);
    const head = (await api.upload(user, map.id, randomBytes(10))).body.versionId;
    const newest = (await versionIds(map.id)).slice(0, 5);
    expect(newest[0]).toBe(head);

    await thinDue();
    await eventually(async () => (await versionIds(map.id)).length === 5, 60_000);
    expect(await versionIds(map.id)).toEqual(newest);
    expect(await settledBooks()).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
  });
});
