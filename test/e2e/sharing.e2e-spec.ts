import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, envelope, eventually, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { JobQueue } from '../../src/queue/job-queue';
import { retentionTiers } from '../../src/mindmaps/domain/retention-policy';

interface Created {
  shareId: string;
  token: string;
  /** Set on errors. */
  code?: string;
}

interface SharedMap {
  code?: string;
  encryptedTitle: string;
  envelope: ReturnType<typeof envelope>;
  versionId: string | null;
  sizeBytes: number;
}

describe('share links', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const share = (user: TestUser, mapId: string, json: Record<string, unknown> = {}) =>
    api.request<Created>('POST', `/api/mindmaps/${mapId}/shares`, { token: user.accessToken, json: { envelope: envelope(), keyVersion: 1, ...json } });
  const open = (token: string) => api.request<SharedMap>('GET', `/api/public/shares/${token}`);
  const openBlob = (token: string) => api.request('GET', `/api/public/shares/${token}/blob`);

  it('opens a link without an account: the head, its bytes and the share envelope', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    const first = randomBytes(700);
    await api.upload(owner, map.id, first);
    const shareEnvelope = envelope();
    const created = await share(owner, map.id, { envelope: shareEnvelope });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const opened = await open(created.body.token);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({
      encryptedTitle: map.encryptedTitle,
      envelope: shareEnvelope,
      versionId: (await api.request('GET', `/api/mindmaps/${map.id}`, { token: owner.accessToken })).body.headVersionId,
      sizeBytes: 700,
    });
    const bytes = await openBlob(created.body.token);
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
    expect(bytes.headers.get('etag')).toBe(`"${opened.body.versionId}"`);
    expect(Buffer.compare(bytes.body as unknown as Buffer, first)).toBe(0);

    // A head link follows new saves.
    const second = randomBytes(900);
    const saved = await api.upload(owner, map.id, second);
    expect((await open(created.body.token)).body).toMatchObject({ versionId: saved.body.versionId, sizeBytes: 900 });
    expect(Buffer.compare((await openBlob(created.body.token)).body as unknown as Buffer, second)).toBe(0);
  });

  it('stores only a hash of the token', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    const created = await share(owner, map.id);
    const rows = await t.db.pool.query('SELECT * FROM shares WHERE id = $1', [created.body.shareId]);
    expect(rows.rows[0].token_hash).toEqual(createHash('sha256').update(created.body.token).digest());
    expect(JSON.stringify(rows.rows[0])).not.toContain(created.body.token);
  });

  it('pins a version: the link keeps showing it after new saves', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    const pinnedBytes = randomBytes(300);
    const pinned = await api.upload(owner, map.id, pinnedBytes);
    await api.upload(owner, map.id, randomBytes(400));
    const created = await share(owner, map.id, { versionId: pinned.body.versionId });
    expect(created.status).toBe(201);
    expect((await open(created.body.token)).body).toMatchObject({ versionId: pinned.body.versionId, sizeBytes: 300 });
    expect(Buffer.compare((await openBlob(created.body.token)).body as unknown as Buffer, pinnedBytes)).toBe(0);

    const unknownVersion = await share(owner, map.id, { versionId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownVersion.status).toBe(404);
    expect(unknownVersion.body.code).toBe('VERSION_NOT_FOUND');
  });

  it('lists and revokes; a revoked token stops working at once', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    await api.upload(owner, map.id, randomBytes(10));
    const a = await share(owner, map.id);
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const b = await share(owner, map.id, { expiresAt });
    const list = await api.request<{ items: { shareId: string; expiresAt: string | null; expired: boolean; versionId: string | null }[] }>(
      'GET', `/api/mindmaps/${map.id}/shares`, { token: owner.accessToken },
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((s) => s.shareId)).toEqual([b.body.shareId, a.body.shareId]);
    expect(list.body.items[0]).toMatchObject({ expiresAt, expired: false, versionId: null });
    expect(JSON.stringify(list.body)).not.toContain(a.body.token);

    expect((await open(a.body.token)).status).toBe(200);
    const revoked = await api.request('DELETE', `/api/mindmaps/${map.id}/shares/${a.body.shareId}`, { token: owner.accessToken });
    expect(revoked.status).toBe(204);
    for (const res of [await open(a.body.token), await openBlob(a.body.token)]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('SHARE_NOT_FOUND');
    }
    expect((await open(b.body.token)).status).toBe(200);
    const again = await api.request('DELETE', `/api/mindmaps/${map.id}/shares/${a.body.shareId}`, { token: owner.accessToken });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('SHARE_NOT_FOUND');
  });

  it("answers another user's map as MAP_NOT_FOUND on every owner route", async () => {
    const owner = await api.register();
    const stranger = await api.register();
    const map = await api.createMap(owner);
    const created = await share(owner, map.id);
    const routes = [
      () => share(stranger, map.id),
      () => api.request('GET', `/api/mindmaps/${map.id}/shares`, { token: stranger.accessToken }),
      () => api.request('DELETE', `/api/mindmaps/${map.id}/shares/${created.body.shareId}`, { token: stranger.accessToken }),
    ];
    for (const route of routes) {
      const res = await route();
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('MAP_NOT_FOUND');
    }
    expect((await open(created.body.token)).status).toBe(200);
    expect((await api.request('GET', `/api/mindmaps/${map.id}/shares`)).status).toBe(401);
  });

  it('answers unknown, malformed, revoked and expired tokens alike', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    const expiring = await share(owner, map.id, { expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    await t.db.pool.query(`UPDATE shares SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.body.shareId]);
    const revoked = await share(owner, map.id);
    await api.request('DELETE', `/api/mindmaps/${map.id}/shares/${revoked.body.shareId}`, { token: owner.accessToken });

    const tokens = [expiring.body.token, revoked.body.token, randomBytes(32).toString('base64url'), 'not-a-token', 'x'.repeat(90)];
    const bodies = [];
    for (const token of tokens) {
      const res = await open(token);
      expect(res.status).toBe(404);
      bodies.push(res.body);
      expect((await openBlob(token)).status).toBe(404);
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(bodies[0]).toMatchObject({ code: 'SHARE_NOT_FOUND', statusCode: 404 });

    const past = await share(owner, map.id, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.code).toBe('VALIDATION_FAILED');
  });

  it('shows a head link to a map without content as version null, and its blob as NO_CONTENT_YET', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    const created = await share(owner, map.id);
    expect((await open(created.body.token)).body).toMatchObject({ versionId: null, sizeBytes: 0 });
    const blob = await openBlob(created.body.token);
    expect(blob.status).toBe(404);
    expect(blob.body.code).toBe('NO_CONTENT_YET');
  });

  it('keeps the version a live link is pinned to past the cap, and thins it once the link is revoked', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner, { maxVersions: 1 });
    const pinned = await api.upload(owner, map.id, randomBytes(50));
    const created = await share(owner, map.id, { versionId: pinned.body.versionId });
    const head = await share(owner, map.id);
    await api.upload(owner, map.id, randomBytes(60));
    // The save past the cap queued the map's thinning: it ran and kept the held version.
    await eventually(async () => (await t.db.pool.query('SELECT thin_due_at > now() AS done FROM mind_maps WHERE id = $1', [map.id])).rows[0].done);
    expect((await open(created.body.token)).body).toMatchObject({ versionId: pinned.body.versionId, sizeBytes: 50 });
    expect((await openBlob(created.body.token)).status).toBe(200);

    expect((await api.request('DELETE', `/api/mindmaps/${map.id}/shares/${created.body.shareId}`, { token: owner.accessToken })).status).toBe(204);
    await t.app.get(JobQueue).enqueue('prune-versions', { mapId: map.id });
    await eventually(async () => (await t.db.pool.query('SELECT 1 FROM map_versions WHERE id = $1', [pinned.body.versionId])).rowCount === 0);
    expect((await open(head.body.token)).body).toMatchObject({ sizeBytes: 60 });
  });

  it("stops a disabled owner's links, and starts them again when re-enabled", async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    await api.upload(owner, map.id, randomBytes(10));
    const created = await share(owner, map.id);
    expect((await open(created.body.token)).status).toBe(200);
    await t.db.pool.query('UPDATE users SET disabled = true WHERE id = $1', [owner.userId]);
    const closed = await open(created.body.token);
    expect(closed.status).toBe(404);
    expect(closed.body.code).toBe('SHARE_NOT_FOUND');
    expect((await openBlob(created.body.token)).status).toBe(404);
    await t.db.pool.query('UPDATE users SET disabled = false WHERE id = $1', [owner.userId]);
    expect((await open(created.body.token)).status).toBe(200);
  });

  it("removes a map's shares with the map", async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    await api.upload(owner, map.id, randomBytes(20));
    const created = await share(owner, map.id);
    await api.request('DELETE', `/api/mindmaps/${map.id}`, { token: owner.accessToken });
    expect((await open(created.body.token)).status).toBe(404);
    const rows = await t.db.pool.query('SELECT count(*)::int AS n FROM shares WHERE map_id = $1', [map.id]);
    expect(rows.rows[0].n).toBe(0);
  });
});

describe('public plans and rate limit', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ env: { FREE_STORAGE_BYTES: '12345', PUBLIC_RATE_LIMIT_PER_MINUTE: '3' } });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('lists the plans from the tier configuration the quota enforces', async () => {
    const res = await api.request<{ items: { tier: string; storageLimitBytes: number }[] }>('GET', '/api/public/plans');
    expect(res.status).toBe(200);
    expect(res.body.items.map((p) => p.tier)).toEqual(['free', 'pro', 'team']);
    expect(res.body.items[0]).toMatchObject({ tier: 'free', storageLimitBytes: 12345, maxVersionsLimit: 50, maxMaps: 100, maxShares: 100, priceMonthlyCents: 0 });
    expect(res.body.items).toEqual(
      Object.values(t.config.tiers).map(({ recentVersionsMax, maxPinnedVersions, ...plan }) => ({
        ...plan,
        retention: { tiers: retentionTiers(recentVersionsMax), maxPinnedVersions },
      })),
    );
    // The tiers every plan shares, youngest first; only the recent tier's size differs.
    expect(res.body.items[0]).toMatchObject({
      retention: {
        maxPinnedVersions: 10,
        tiers: [
          { name: 'recent', maxAgeS: 3600, bucketS: 0, maxVersions: 10 },
          { name: 'hourly', maxAgeS: 86_400, bucketS: 3600, maxVersions: null },
          { name: 'daily', maxAgeS: 2_592_000, bucketS: 86_400, maxVersions: null },
          { name: 'weekly', maxAgeS: null, bucketS: 604_800, maxVersions: null },
        ],
      },
    });
  });

  it('limits public routes per IP with their own configured rate: 429 RATE_LIMITED with Retry-After', async () => {
    const token = randomBytes(32).toString('base64url');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.request('GET', `/api/public/shares/${token}`)).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const limited = await api.request('GET', `/api/public/shares/${token}`);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The auth routes keep their own (test) limit.
    expect((await api.request('POST', '/api/auth/prelogin', { json: { email: 'x@example.com' } })).status).toBe(200);
  });
});
