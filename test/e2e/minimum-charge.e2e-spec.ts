import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconcileService } from '../../src/storage/reconcile.service';
import { Api, b64, envelope, eventually } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

/** The configuration defaults: the test app turns the charges off, this spec puts them back. */
const MIN_VERSION = 1024;
const MAP = 1024;

async function usageOf(t: TestApp, userId: string): Promise<number> {
  const row = await t.db.pool.query('SELECT usage_bytes FROM user_usage WHERE user_id = $1', [userId]);
  return Number(row.rows[0]?.usage_bytes ?? 0);
}

async function recount(t: TestApp): Promise<void> {
  const reconcile = t.app.get(ReconcileService);
  await reconcile.sweep((await reconcile.record(null)).id);
}

describe('minimum quota charges (defaults: 1024 per version at the least, 1024 per map)', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({
      env: { MIN_VERSION_CHARGE_BYTES: String(MIN_VERSION), MAP_CHARGE_BYTES: String(MAP), FREE_STORAGE_BYTES: String(10 * 1024) },
    });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('uses 1024 as the default of both charges', () => {
    expect(t.config.charges).toEqual({ minVersionBytes: MIN_VERSION, mapBytes: MAP });
  });

  it('charges a map 1024 and a 1-byte version 1024, a large one its size, and gives back exactly that on prune and delete', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 1 });
    expect(await usageOf(t, user.userId)).toBe(MAP);

    const tiny = await api.upload(user, map.id, randomBytes(1));
    expect(tiny.status).toBe(201);
    expect(tiny.body.sizeBytes).toBe(1);
    expect(await usageOf(t, user.userId)).toBe(MAP + MIN_VERSION);
    const billing = await api.request<{ usageBytes: number }>('GET', '/api/billing/subscription', { token: user.accessToken });
    expect(billing.status).toBe(200);
    expect(billing.body.usageBytes).toBe(MAP + MIN_VERSION);

    // maxVersions 1: the tiny version is pruned, giving back its 1024, not its 1 byte.
    const large = await api.upload(user, map.id, randomBytes(3000));
    expect(large.status).toBe(201);
    await eventually(async () => (await usageOf(t, user.userId)) === MAP + 3000);
    expect(await usageOf(t, user.userId)).toBe(MAP + 3000);

    // The 3000-byte version is pruned in turn: 3000 back, the new 1-byte version's 1024 charged.
    const tiny2 = await api.upload(user, map.id, randomBytes(1));
    expect(tiny2.status).toBe(201);
    await eventually(async () => (await usageOf(t, user.userId)) === MAP + MIN_VERSION);

    await recount(t);
    expect(await usageOf(t, user.userId)).toBe(MAP + MIN_VERSION);

    const deleted = await api.request('DELETE', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect(deleted.status).toBe(204);
    expect(await usageOf(t, user.userId)).toBe(0);
  });

  it('restores a 1-byte version for 1024', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    const first = await api.upload(user, map.id, randomBytes(1));
    expect(first.status).toBe(201);
    const restored = await api.request<{ sizeBytes: number }>('POST', `/api/mindmaps/${map.id}/versions/${first.body.versionId}/restore`, {
      token: user.accessToken,
    });
    expect(restored.status).toBe(201);
    expect(restored.body.sizeBytes).toBe(1);
    expect(await usageOf(t, user.userId)).toBe(MAP + 2 * MIN_VERSION);
  });

  it('recounts usage to the charged figure from the rows', async () => {
    const user = await api.register();
    const a = await api.createMap(user);
    const b = await api.createMap(user);
    expect((await api.upload(user, a.id, randomBytes(1))).status).toBe(201);
    expect((await api.upload(user, a.id, randomBytes(2000))).status).toBe(201);
    expect((await api.upload(user, b.id, randomBytes(10))).status).toBe(201);
    const charged = 2 * MAP + MIN_VERSION + 2000 + MIN_VERSION;
    expect(await usageOf(t, user.userId)).toBe(charged);

    await t.db.pool.query('UPDATE user_usage SET usage_bytes = 7 WHERE user_id = $1', [user.userId]);
    await recount(t);
    expect(await usageOf(t, user.userId)).toBe(charged);
  });

  it('refuses empty maps and tiny versions past the quota with 413 STORAGE_QUOTA_EXCEEDED', async () => {
    // 10 KiB free quota: ten charges of 1024 fill it.
    const user = await api.register();
    const map = await api.createMap(user);
    for (let i = 0; i < 4; i++) expect((await api.upload(user, map.id, randomBytes(1))).status).toBe(201);
    for (let i = 0; i < 5; i++) await api.createMap(user);
    expect(await usageOf(t, user.userId)).toBe(10 * 1024);

    const refusedMap = await api.request('POST', '/api/mindmaps', {
      token: user.accessToken,
      json: { encryptedTitle: b64(40), envelope: envelope(), keyVersion: 1 },
    });
    expect(refusedMap.status).toBe(413);
    expect(refusedMap.body).toMatchObject({
      statusCode: 413,
      code: 'STORAGE_QUOTA_EXCEEDED',
      tier: 'free',
      projectedBytes: 10 * 1024 + MAP,
      limitBytes: 10 * 1024,
    });

    const refusedVersion = await api.upload(user, map.id, randomBytes(1));
    expect(refusedVersion.status).toBe(413);
    expect(refusedVersion.body).toMatchObject({
      statusCode: 413,
      code: 'STORAGE_QUOTA_EXCEEDED',
      tier: 'free',
      projectedBytes: 10 * 1024 + MIN_VERSION,
      limitBytes: 10 * 1024,
    });
    expect(await usageOf(t, user.userId)).toBe(10 * 1024);
    const maps = await t.db.pool.query('SELECT count(*)::int AS n FROM mind_maps WHERE owner_id = $1', [user.userId]);
    expect(maps.rows[0].n).toBe(6);
  });
});
