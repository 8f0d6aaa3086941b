import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../../src/storage/domain/reconcile-run';
import { ReconcileService } from '../../src/storage/reconcile.service';
import { Api, eventually, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { StalledRequest, stalledRequest } from '../utils/raw-http';

const MiB = 1024 * 1024;

interface Counters {
  usage: number;
  reserved: number;
  inFlight: number;
  reservations: number;
}

async function counters(t: TestApp, userId: string): Promise<Counters> {
  const row = await t.db.pool.query(
    `SELECT u.usage_bytes, u.reserved_bytes, u.uploads_in_flight,
            (SELECT count(*)::int FROM upload_reservations r WHERE r.user_id = u.user_id) AS reservations
     FROM user_usage u WHERE u.user_id = $1`,
    [userId],
  );
  const r = row.rows[0];
  return r
    ? { usage: Number(r.usage_bytes), reserved: Number(r.reserved_bytes), inFlight: r.uploads_in_flight, reservations: r.reservations }
    : { usage: 0, reserved: 0, inFlight: 0, reservations: 0 };
}

/** Every stalled request a test opened: cut after each test, or closing the app waits for them. */
const open: StalledRequest[] = [];
afterEach(() => {
  for (const upload of open.splice(0)) upload.abort();
});

function stall(t: TestApp, user: TestUser, mapId: string, declared: number): StalledRequest {
  const upload = stalledRequest(
    `${t.baseUrl}/api/mindmaps/${mapId}/blob`,
    { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/octet-stream' },
    declared,
    randomBytes(64 * 1024),
  );
  open.push(upload);
  return upload;
}

/** Opens `declared`-byte uploads one at a time; each is either held (reserved) or answered at once. */
async function openUploads(t: TestApp, user: TestUser, mapId: string, declared: number, count: number) {
  const held: StalledRequest[] = [];
  const refused: { status?: number; body?: string }[] = [];
  for (let i = 0; i < count; i++) {
    const upload = stall(t, user, mapId, declared);
    const outcome = await eventually(async () => {
      if (upload.settled()) return 'answered';
      return (await counters(t, user.userId)).reservations === held.length + 1 ? 'held' : undefined;
    }, 10_000);
    if (outcome === 'held') held.push(upload);
    else refused.push(await upload.answer);
  }
  return { held, refused };
}

describe('the quota counts bytes in flight', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ env: { MAX_CONCURRENT_UPLOADS: '4' } });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('refuses a free user stalled uploads once their reserved bytes reach the 100 MiB limit', async () => {
    // Regression: six stalled 32 MiB uploads were all accepted and held 187 MiB of partial files.
    const user = await api.register();
    const map = await api.createMap(user);
    const { held, refused } = await openUploads(t, user, map.id, 32 * MiB, 6);
    expect(held).toHaveLength(3);
    expect(refused.map((r) => r.status)).toEqual([413, 413, 413]);
    for (const r of refused) {
      expect(JSON.parse(r.body!)).toMatchObject({
        code: 'STORAGE_QUOTA_EXCEEDED',
        tier: 'free',
        projectedBytes: 128 * MiB,
        limitBytes: 100 * MiB,
      });
    }
    expect(await counters(t, user.userId)).toEqual({ usage: 0, reserved: 96 * MiB, inFlight: 3, reservations: 3 });

    // Cut off, each gives its bytes back; nothing was charged.
    for (const upload of held) upload.abort();
    await eventually(async () => (await counters(t, user.userId)).reservations === 0);
    expect(await counters(t, user.userId)).toEqual({ usage: 0, reserved: 0, inFlight: 0, reservations: 0 });
    const small = await api.upload(user, map.id, randomBytes(1000));
    expect(small.status).toBe(201);
  });

  it('answers 429 TOO_MANY_UPLOADS past the per-user cap, and takes uploads again once one ends', async () => {
    const user = await api.register();
    const other = await api.register();
    const map = await api.createMap(user);
    const { held, refused } = await openUploads(t, user, map.id, 1 * MiB, 5);
    expect(held).toHaveLength(4);
    expect(refused).toHaveLength(1);
    expect(refused[0].status).toBe(429);
    expect(JSON.parse(refused[0].body!)).toMatchObject({ statusCode: 429, code: 'TOO_MANY_UPLOADS', maxConcurrent: 4 });
    // Another user is not held back by this one.
    expect((await api.upload(other, (await api.createMap(other)).id, randomBytes(100))).status).toBe(201);

    held[0].abort();
    await eventually(async () => (await counters(t, user.userId)).inFlight === 3);
    expect((await api.upload(user, map.id, randomBytes(100))).status).toBe(201);
    expect(await counters(t, user.userId)).toMatchObject({ usage: 100, reserved: 3 * MiB, inFlight: 3 });
  });

  it('settles a reservation into usage on commit and releases it when the upload fails', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const first = await api.upload(user, map.id, randomBytes(700));
    expect(first.status).toBe(201);
    expect(await counters(t, user.userId)).toEqual({ usage: 700, reserved: 0, inFlight: 0, reservations: 0 });
    const stale = await api.upload(user, map.id, randomBytes(300), { 'if-match': `"${randomUUID()}"` });
    expect(stale.status).toBe(412);
    expect(await counters(t, user.userId)).toEqual({ usage: 700, reserved: 0, inFlight: 0, reservations: 0 });
  });

  it('does not let a reservation left by a dead process hold the quota past its end', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    // What a process that died mid-upload leaves: a reservation row and the counters it moved.
    await t.db.pool.query(`INSERT INTO user_usage (user_id, reserved_bytes, uploads_in_flight) VALUES ($1, $2, 3)`, [
      user.userId,
      99 * MiB,
    ]);
    for (let i = 0; i < 3; i++) {
      await t.db.pool.query(
        `INSERT INTO upload_reservations (id, user_id, bytes, expires_at) VALUES ($1, $2, $3, now() - interval '1 second')`,
        [randomUUID(), user.userId, 33 * MiB],
      );
    }
    const res = await api.upload(user, map.id, randomBytes(2 * MiB));
    expect(res.status).toBe(201);
    expect(await counters(t, user.userId)).toEqual({ usage: 2 * MiB, reserved: 0, inFlight: 0, reservations: 0 });
  });

  it('releases expired reservations of every user in the reconcile sweep', async () => {
    const user = await api.register();
    await t.db.pool.query(`INSERT INTO user_usage (user_id, reserved_bytes, uploads_in_flight) VALUES ($1, 500, 1)`, [user.userId]);
    await t.db.pool.query(
      `INSERT INTO upload_reservations (id, user_id, bytes, expires_at) VALUES ($1, $2, 500, now() - interval '1 second')`,
      [randomUUID(), user.userId],
    );
    const reconcile = t.app.get(ReconcileService);
    const report: ReconcileReport = await reconcile.sweep((await reconcile.record(null)).id);
    expect(report.reservationsExpired).toBe(1);
    expect(await counters(t, user.userId)).toEqual({ usage: 0, reserved: 0, inFlight: 0, reservations: 0 });
  });
});

describe('an upload that outlives its reservation', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ env: { UPLOAD_RESERVATION_TTL_S: '1' } });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('is cut at its end: nothing stored, nothing charged, nothing left reserved', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const upload = stall(t, user, map.id, 4 * MiB);
    const answer = await upload.answer;
    expect(answer.status === undefined || answer.status === 408).toBe(true);
    await eventually(async () => (await counters(t, user.userId)).reservations === 0);
    expect(await counters(t, user.userId)).toEqual({ usage: 0, reserved: 0, inFlight: 0, reservations: 0 });
    const blobs = join(t.config.blob.driver === 'fs' ? t.config.blob.rootDir : '', 'users', user.userId);
    expect(await readdir(blobs, { recursive: true }).catch(() => [])).not.toContainEqual(expect.stringMatching(/\.partial$/));
  });
});

describe('partial files of uploads a crash cut off', () => {
  let t: TestApp | undefined;
  let dataDir: string;
  const old = new Date(Date.now() - 2 * 3600 * 1000);

  async function partial(name: string, mtime?: Date): Promise<string> {
    const dir = join(dataDir, 'blobs', 'users', randomUUID(), 'maps', randomUUID());
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${randomUUID()}.${name}.partial`);
    await writeFile(path, randomBytes(100));
    if (mtime) await utimes(path, mtime, mtime);
    return path;
  }
  const exists = (path: string) => readdir(join(path, '..')).then((names) => names.some((n) => path.endsWith(n)));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mindvault-partials-'));
  });
  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('are removed at start and by the sweeper once older than an upload may take; younger ones stay', async () => {
    const leftover = await partial(randomUUID(), old);
    const young = await partial(randomUUID());
    t = await createTestApp({ env: { DATA_DIR: dataDir } });
    expect(await exists(leftover)).toBe(false);
    expect(await exists(young)).toBe(true);

    const later = await partial(randomUUID(), old);
    const reconcile = t.app.get(ReconcileService);
    const report = await reconcile.sweep((await reconcile.record(null)).id);
    expect(report.staleUploadsRemoved).toBe(1);
    expect(await exists(later)).toBe(false);
    expect(await exists(young)).toBe(true);
  });
});
