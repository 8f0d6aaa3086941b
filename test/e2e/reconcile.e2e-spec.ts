import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ReconcileReport } from '../../src/storage/domain/reconcile-run';
import { blobKey } from '../../src/storage/blob-key';
import { RECONCILE_BATCH } from '../../src/storage/jobs/storage-reconciler.service';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { OrphanLedger } from '../../src/storage/ports/orphan-ledger';
import { WorkerModule } from '../../src/worker.module';
import { Api, eventually, TestUser } from '../utils/api';
import { makeAdmin } from '../utils/admin';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { accountState, storedKeys } from '../utils/stored-objects';

interface Run {
  runId: string;
  status: string;
  report: ReconcileReport | null;
}

/** Stores bytes under a well-formed key that no version row references. */
async function storeOrphan(t: TestApp, ownerId: string, size: number): Promise<string> {
  const key = blobKey(ownerId, randomUUID(), randomUUID());
  await t.app.get(BlobStore).put(key, Readable.from([randomBytes(size)]), size);
  return key;
}

async function reconcile(api: Api, admin: TestUser): Promise<Run> {
  const accepted = await api.request<Run>('POST', '/api/admin/storage/reconcile', { token: admin.accessToken });
  expect(accepted.status).toBe(202);
  expect(accepted.body).toMatchObject({ status: 'queued', report: null });
  return eventually(async () => {
    const stats = await api.request<{ lastReconcile: Run | null }>('GET', '/api/admin/stats', { token: admin.accessToken });
    const run = stats.body.lastReconcile;
    return run?.runId === accepted.body.runId && (run.status === 'done' || run.status === 'failed') ? run : undefined;
  });
}

describe('storage reconcile, jobs in-process', () => {
  let t: TestApp;
  let api: Api;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { ORPHAN_GRACE_S: '3600' } });
    api = new Api(t.baseUrl);
    admin = await api.register('ops@example.com');
    await makeAdmin(t, admin);
  });
  afterAll(() => t?.close());

  it('deletes old unreferenced objects, settles the orphan ledger and recomputes usage, then reports it', async () => {
    const user = await api.register();
    const other = await api.register();
    const map = await api.createMap(user);
    await api.upload(user, map.id, randomBytes(300));
    await api.upload(user, map.id, randomBytes(400));
    const live = (await accountState(t, user.userId)).keys;

    const oldOrphan = await storeOrphan(t, user.userId, 50);
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    if (t.config.blob.driver !== 'fs') throw new Error('this suite ages objects on the filesystem');
    await utimes(join(t.config.blob.rootDir, oldOrphan), hourAgo, hourAgo);
    const freshOrphan = await storeOrphan(t, user.userId, 60);
    const ledgered = await storeOrphan(t, other.userId, 70);
    const ledger = t.app.get(OrphanLedger);
    await ledger.record(ledgered, 'test: delete failed');
    await ledger.record(live[0], 'test: wrongly recorded');
    await t.db.pool.query('UPDATE user_usage SET usage_bytes = 5 WHERE user_id = $1', [user.userId]);
    await t.db.pool.query('INSERT INTO user_usage (user_id, usage_bytes) VALUES ($1, 999)', [other.userId]);

    const run = await reconcile(api, admin);
    expect(run.status).toBe('done');
    expect(run.report).toMatchObject({
      objectsScanned: 4,
      orphansDeleted: 1,
      orphanBytesDeleted: 50,
      orphanDeleteFailures: 0,
      ledgerEntriesSettled: 2,
      usersChecked: 3,
      usageCorrectionCount: 2,
    });
    expect(run.report?.usageCorrections).toEqual(
      expect.arrayContaining([
        { userId: user.userId, fromBytes: 5, toBytes: 700 },
        { userId: other.userId, fromBytes: 999, toBytes: 0 },
      ]),
    );
    // The object younger than ORPHAN_GRACE_S may belong to an upload about to commit: kept.
    expect(await storedKeys(t)).toEqual([...live, freshOrphan].sort());
    expect(await ledger.list(10)).toEqual([]);
    expect((await accountState(t, user.userId)).usage).toBe(700);
    expect((await accountState(t, other.userId)).usage).toBe(0);

    const audit = await t.db.pool.query(`SELECT actor_id, after FROM audit_log WHERE action = 'storage.reconcile' AND target_id = $1`, [run.runId]);
    expect(audit.rows).toEqual([{ actor_id: admin.userId, after: { runId: run.runId } }]);

    // Nothing left to fix: a second sweep changes nothing.
    const again = await reconcile(api, admin);
    expect(again.report).toMatchObject({ orphansDeleted: 0, ledgerEntriesSettled: 0, usageCorrectionCount: 0 });
  });
});

describe('storage reconcile, more than a batch of everything', () => {
  let t: TestApp;
  let api: Api;
  let admin: TestUser;

  beforeAll(async () => {
    // Every orphan here is one on purpose: the share guard (store-ownership.e2e-spec.ts) is lifted.
    t = await createTestApp({ env: { ORPHAN_GRACE_S: '0', RECONCILE_MAX_DELETE_SHARE: '1' } });
    api = new Api(t.baseUrl);
    admin = await api.register('ops@example.com');
    await makeAdmin(t, admin);
  });
  afterAll(() => t?.close());

  it('walks a ledger of two full pages and a listing of one full batch, trying the stuck entry at the page boundary once', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    await api.upload(user, map.id, randomBytes(100));
    const live = (await accountState(t, user.userId)).keys;
    // Two full pages of ledger entries: the last page is full, so the pass must ask once more and
    // find nothing.
    const gone = Array.from({ length: 2 * RECONCILE_BATCH }, () => blobKey(randomUUID(), randomUUID(), randomUUID()));
    await t.db.pool.query(`INSERT INTO orphan_objects (object_key, reason) SELECT unnest($1::text[]), 'test: delete failed'`, [gone]);
    // The entry ending the first page cannot be deleted (a directory stands at its path): it stays
    // in the ledger, tried once, and the next page starts after it rather than at it.
    if (t.config.blob.driver !== 'fs') throw new Error('this suite blocks a delete on the filesystem');
    const stuck = [...gone].sort()[RECONCILE_BATCH - 1];
    await mkdir(join(t.config.blob.rootDir, stuck), { recursive: true });
    // With the live object, the listing fills one batch exactly.
    for (let i = 0; i < RECONCILE_BATCH - 1; i++) await storeOrphan(t, user.userId, 10);

    const run = await reconcile(api, admin);
    expect(run.status).toBe('done');
    expect(run.report).toMatchObject({
      objectsScanned: RECONCILE_BATCH,
      orphansDeleted: RECONCILE_BATCH - 1,
      orphanBytesDeleted: 10 * (RECONCILE_BATCH - 1),
      orphanDeleteFailures: 1,
      ledgerEntriesSettled: 2 * RECONCILE_BATCH - 1,
      usageCorrectionCount: 0,
    });
    expect(await t.app.get(OrphanLedger).list(10)).toEqual([stuck]);
    expect(await storedKeys(t)).toEqual(live);
  });
});

describe.skipIf(!inject('redisUrl'))('storage reconcile on BullMQ with a worker', () => {
  let t: TestApp;
  let api: Api;
  let admin: TestUser;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    t = await createTestApp({ blob: 's3', queue: 'bullmq', env: { ORPHAN_GRACE_S: '0' } });
    api = new Api(t.baseUrl);
    admin = await api.register('ops@example.com');
    await makeAdmin(t, admin);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(t.config, t.db.url), { logger: false });
    await worker.init();
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('runs the sweep in the worker and stores its report', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    await api.upload(user, map.id, randomBytes(250));
    const live = (await accountState(t, user.userId)).keys;
    const orphan = await storeOrphan(t, user.userId, 40);
    await t.db.pool.query('UPDATE user_usage SET usage_bytes = 1 WHERE user_id = $1', [user.userId]);

    const run = await reconcile(api, admin);
    expect(run.status).toBe('done');
    expect(run.report).toMatchObject({ orphansDeleted: 1, orphanBytesDeleted: 40, usageCorrectionCount: 1 });
    expect(run.report?.usageCorrections).toEqual([{ userId: user.userId, fromBytes: 1, toBytes: 250 }]);
    expect(await storedKeys(t)).toEqual(live);
    expect(await storedKeys(t)).not.toContain(orphan);
    expect((await accountState(t, user.userId)).usage).toBe(250);
  });
});
