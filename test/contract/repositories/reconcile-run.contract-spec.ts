import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmReconcileRunRepository } from '../../../src/storage/adapters/typeorm-reconcile-run.repository';
import { TypeOrmStorageInventory } from '../../../src/storage/adapters/typeorm-storage-inventory';
import type { ReconcileReport, ReconcileRun } from '../../../src/storage/domain/reconcile-run';
import { ReconcileRunRepository } from '../../../src/storage/ports/reconcile-run.repository';
import { StorageInventory } from '../../../src/storage/ports/storage-inventory';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

function queued(requestedBy: string | null, requestedAt: Date): ReconcileRun {
  return { id: randomUUID(), requestedBy, status: 'queued', requestedAt, startedAt: null, finishedAt: null, report: null, error: null };
}

const REPORT: ReconcileReport = {
  objectsScanned: 12,
  orphansDeleted: 2,
  orphanBytesDeleted: 300,
  orphanDeleteFailures: 1,
  ledgerEntriesSettled: 3,
  staleUploadsRemoved: 0,
  reservationsExpired: 1,
  usersChecked: 4,
  deletionsDeferred: 1,
  deletionsRefused: 0,
  refusal: null,
  usageCorrections: [{ userId: randomUUID(), fromBytes: 5, toBytes: 700 }],
  usageCorrectionCount: 1,
};

describe('ReconcileRunRepository contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let runs: ReconcileRunRepository;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: ReconcileRunRepository, useClass: TypeOrmReconcileRunRepository }]);
    runs = h.app.get(ReconcileRunRepository);
  });
  afterAll(() => h?.close());

  it('has no latest run before any was requested, then the one requested last', async () => {
    expect(await runs.latest()).toBeUndefined();
    const admin = await h.newUser({ role: 'admin' });
    const first = queued(admin, new Date(Date.now() - 60_000));
    const second = queued(null, new Date());
    await runs.insert(second);
    await runs.insert(first);
    expect(await runs.latest()).toEqual(second);
  });

  it('moves a run from queued to running to done, keeping its report as written', async () => {
    const run = queued(null, new Date(Date.now() + 60_000));
    await runs.insert(run);
    await runs.markRunning(run.id);
    const running = await runs.latest();
    expect(running).toMatchObject({ id: run.id, status: 'running', finishedAt: null, report: null });
    expect(running?.startedAt).toBeInstanceOf(Date);
    await runs.finish(run.id, REPORT);
    const done = await runs.latest();
    expect(done).toMatchObject({ id: run.id, status: 'done', report: REPORT, error: null });
    expect(done?.finishedAt).toBeInstanceOf(Date);
  });

  it('records why a run failed, and a retry of it starts without the old error', async () => {
    const run = queued(null, new Date(Date.now() + 120_000));
    await runs.insert(run);
    await runs.fail(run.id, 'not queued: redis down');
    expect(await runs.latest()).toMatchObject({ id: run.id, status: 'failed', error: 'not queued: redis down', report: null });
    await runs.markRunning(run.id);
    expect(await runs.latest()).toMatchObject({ id: run.id, status: 'running', error: null });
  });
});

describe('StorageInventory contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let inventory: StorageInventory;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: StorageInventory, useClass: TypeOrmStorageInventory }]);
    inventory = h.app.get(StorageInventory);
  });
  afterAll(() => h?.close());

  it('names the keys a version row references among those asked, and none for none asked', async () => {
    const owner = await h.newUser();
    const map = await h.newMap(owner);
    const version = await h.newVersion(map);
    const referenced = `users/${owner}/maps/${map}/${version}`;
    const unreferenced = `users/${owner}/maps/${map}/${randomUUID()}`;
    expect(await inventory.referencedKeys([unreferenced, referenced])).toEqual(new Set([referenced]));
    expect(await inventory.referencedKeys([unreferenced])).toEqual(new Set());
    expect(await inventory.referencedKeys([])).toEqual(new Set());
  });

  it('charges each version at least the minimum and each map its own charge; a user with nothing owes 0', async () => {
    const owner = await h.newUser();
    const full = await h.newMap(owner);
    await h.newVersion(full, 10);
    await h.newVersion(full, 5000);
    await h.newMap(owner);
    expect(await inventory.chargedBytesOf(owner, { minVersionBytes: 1024, mapBytes: 100 })).toBe(1024 + 5000 + 2 * 100);
    expect(await inventory.chargedBytesOf(owner, { minVersionBytes: 0, mapBytes: 0 })).toBe(5010);
    expect(await inventory.chargedBytesOf(await h.newUser(), { minVersionBytes: 1024, mapBytes: 100 })).toBe(0);
  });

  it('pages through every user once, in id order', async () => {
    for (let i = 0; i < 5; i++) await h.newUser();
    const all = (await h.db.pool.query<{ id: string }>('SELECT id FROM users ORDER BY id')).rows.map((r) => r.id);
    const seen: string[] = [];
    for (let page = await inventory.userIdsAfter(null, 2); page.length > 0; page = await inventory.userIdsAfter(page[page.length - 1], 2)) {
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page);
    }
    expect(seen).toEqual(all);
    expect(await inventory.userIdsAfter(all[all.length - 1], 10)).toEqual([]);
  });
});
