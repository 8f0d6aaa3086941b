import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { blobKey, INSTALL_ID_NAME } from '../../src/storage/blob-key';
import type { ReconcileReport } from '../../src/storage/domain/reconcile-run';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { DeletionHold } from '../../src/storage/ports/deletion-hold';
import { OrphanLedger } from '../../src/storage/ports/orphan-ledger';
import { Api, eventually, TestUser } from '../utils/api';
import { makeAdmin } from '../utils/admin';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { scrape } from '../utils/metrics';
import { storedKeys } from '../utils/stored-objects';

/**
 * A sweep deletes only what it can show is its own: the store must carry this database's install
 * id, and one run may delete at most a configured share of the store. A backup holds deletions off.
 */
describe('the reconcile sweep cannot eat data', () => {
  const apps: TestApp[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.close();
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function app(env: Record<string, string>): Promise<{ t: TestApp; api: Api; admin: TestUser }> {
    const t = await createTestApp({ env: { ORPHAN_GRACE_S: '0', ...env } });
    apps.push(t);
    const api = new Api(t.baseUrl);
    const admin = await api.register(`ops-${randomUUID()}@example.com`);
    await makeAdmin(t, admin);
    return { t, api, admin };
  }

  async function sharedDataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mindvault-store-'));
    dirs.push(dir);
    return dir;
  }

  /** A user with `versions` stored versions spread over maps of at most five. */
  async function userWithVersions(api: Api, versions: number): Promise<TestUser> {
    const user = await api.register();
    for (let made = 0; made < versions; made += 5) {
      const map = await api.createMap(user);
      for (let i = made; i < Math.min(versions, made + 5); i++) expect((await api.upload(user, map.id, randomBytes(64))).status).toBe(201);
    }
    return user;
  }

  async function storeOrphan(t: TestApp): Promise<string> {
    const key = blobKey(randomUUID(), randomUUID(), randomUUID());
    await t.app.get(BlobStore).put(key, Readable.from([randomBytes(32)]), 32);
    return key;
  }

  it('a new database pointed at an old store deletes nothing from it', async () => {
    const dataDir = await sharedDataDir();
    const old = await app({ DATA_DIR: dataDir });
    await userWithVersions(old.api, 3);
    const oldKeys = await storedKeys(old.t);
    expect(oldKeys).toHaveLength(3);
    const oldInstall = await old.t.app.get(BlobStore).readInstallId();
    expect(oldInstall).toMatch(/^[0-9a-f-]{36}$/);
    await old.t.close();
    apps.splice(apps.indexOf(old.t), 1);

    // A fresh database (as after a restart that lost the cluster), the same store.
    const fresh = await app({ DATA_DIR: dataDir });
    const run = await reconcile(fresh.api, fresh.admin);
    expect(run.report).toMatchObject({ deletionsRefused: 1, orphansDeleted: 0 });
    expect(run.report?.refusal).toContain(`the store belongs to install ${oldInstall}`);
    expect(await storedKeys(fresh.t)).toEqual(oldKeys);
    expect((await scrape(fresh.t.metricsUrl!)).value('mindvault_reconcile_last_deletions_refused')).toBe(1);

    // Unmarked (a store from before install ids), it is not claimed by a database that never wrote it.
    await unlink(join(dataDir, 'blobs', INSTALL_ID_NAME));
    const again = await reconcile(fresh.api, fresh.admin);
    expect(again.report).toMatchObject({ deletionsRefused: 1, orphansDeleted: 0 });
    expect(again.report?.refusal).toMatch(/unmarked and 3 of the first 3 objects it lists are no version of this database/);
    expect(existsSync(join(dataDir, 'blobs', INSTALL_ID_NAME))).toBe(false);
    expect(await storedKeys(fresh.t)).toEqual(oldKeys);
  });

  it('claims an unmarked store whose objects are its own versions (an install from before install ids)', async () => {
    const { t, api, admin } = await app({});
    await userWithVersions(api, 2);
    const orphan = await storeOrphan(t);
    if (t.config.blob.driver !== 'fs') throw new Error('this test unmarks the filesystem store');
    await unlink(join(t.config.blob.rootDir, INSTALL_ID_NAME));

    const run = await reconcile(api, admin);
    expect(run.report).toMatchObject({ deletionsRefused: 0, orphansDeleted: 1 });
    expect(await storedKeys(t)).not.toContain(orphan);
    expect(await t.app.get(BlobStore).readInstallId()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('deletes nothing in a run that would delete more than the allowed share of the store', async () => {
    const { t, api, admin } = await app({ RECONCILE_MAX_DELETE_SHARE: '0.05', RECONCILE_DELETE_ALWAYS_ALLOWED: '0' });
    await userWithVersions(api, 20);
    const orphans = [await storeOrphan(t), await storeOrphan(t)];

    // 2 of 22 objects is 9 %: more than 5 % (1 object).
    const refused = await reconcile(api, admin);
    expect(refused.report).toMatchObject({ objectsScanned: 22, deletionsRefused: 1, orphansDeleted: 0 });
    expect(refused.report?.refusal).toMatch(/^2 of the store's 22 objects are unreferenced, more than RECONCILE_MAX_DELETE_SHARE \(0\.05\) allows in one run \(1\)/);
    expect(await storedKeys(t)).toEqual(expect.arrayContaining(orphans));

    // 1 of 21 is within it.
    await t.app.get(BlobStore).delete(orphans[1]);
    const allowed = await reconcile(api, admin);
    expect(allowed.report).toMatchObject({ objectsScanned: 21, deletionsRefused: 0, refusal: null, orphansDeleted: 1 });
    expect(await storedKeys(t)).not.toContain(orphans[0]);
  });

  it('defers every deletion while a backup holds the store, and the next sweep does them', async () => {
    const { t, api, admin } = await app({});
    const user = await userWithVersions(api, 2);
    const map = (await api.request<{ items: { id: string }[] }>('GET', '/api/mindmaps', { token: user.accessToken })).body.items[0];
    const mapKeys = await storedKeys(t);
    const orphan = await storeOrphan(t);

    await t.app.get(DeletionHold).withSnapshotHeld(async () => {
      // The janitor (a map deleted) and the sweep both leave the objects where they are.
      expect((await api.request('DELETE', `/api/mindmaps/${map.id}`, { token: user.accessToken })).status).toBe(204);
      const held = await reconcile(api, admin);
      // The ledger's two entries and the three unreferenced objects (the map's two among them).
      expect(held.report).toMatchObject({ orphansDeleted: 0, ledgerEntriesSettled: 0, deletionsDeferred: 5 });
      expect(await storedKeys(t)).toEqual([...mapKeys, orphan].sort());
    });
    expect((await t.app.get(OrphanLedger).list(10)).sort()).toEqual(mapKeys);

    const after = await reconcile(api, admin);
    expect(after.report).toMatchObject({ deletionsDeferred: 0, ledgerEntriesSettled: 2, orphansDeleted: 1 });
    expect(await storedKeys(t)).toEqual([]);
  });
});

interface Run {
  runId: string;
  status: string;
  report: ReconcileReport | null;
}

async function reconcile(api: Api, admin: TestUser): Promise<Run> {
  const accepted = await api.request<Run>('POST', '/api/admin/storage/reconcile', { token: admin.accessToken });
  expect(accepted.status).toBe(202);
  const run = await eventually(async () => {
    const stats = await api.request<{ lastReconcile: Run | null }>('GET', '/api/admin/stats', { token: admin.accessToken });
    const last = stats.body.lastReconcile;
    return last?.runId === accepted.body.runId && (last.status === 'done' || last.status === 'failed') ? last : undefined;
  }, 60_000);
  expect(run.status).toBe('done');
  return run;
}
