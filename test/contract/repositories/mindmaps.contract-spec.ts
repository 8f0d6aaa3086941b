import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/common/domain/envelope';
import { TransactionRequired } from '../../../src/database/unit-of-work';
import { TypeOrmMapVersionRepository } from '../../../src/mindmaps/adapters/typeorm-map-version.repository';
import { TypeOrmMindMapRepository } from '../../../src/mindmaps/adapters/typeorm-mind-map.repository';
import type { MapVersion, MindMap } from '../../../src/mindmaps/domain/mind-map';
import { MapVersionRepository } from '../../../src/mindmaps/ports/map-version.repository';
import { MindMapRepository } from '../../../src/mindmaps/ports/mind-map.repository';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

const envelope = (): Envelope => ({ ephClassicalPublic: randomBytes(32), ephPqCiphertext: randomBytes(1088), wrappedDek: randomBytes(48) });

function newMap(ownerId: string, overrides: Partial<MindMap> = {}): MindMap {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    id: randomUUID(),
    ownerId,
    encryptedTitle: randomBytes(40),
    envelope: envelope(),
    maxVersions: 3,
    headVersionId: null,
    sizeBytes: 0,
    versionCount: 0,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

function newVersion(map: MindMap, overrides: Partial<MapVersion> = {}): MapVersion {
  const id = randomUUID();
  return {
    id,
    mapId: map.id,
    ownerId: map.ownerId,
    objectKey: `users/${map.ownerId}/maps/${map.id}/${id}`,
    sizeBytes: 100,
    envelope: map.envelope,
    savedAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    pinned: false,
    encryptedLabel: null,
    ...overrides,
  };
}

describe('MindMapRepository and MapVersionRepository contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let maps: MindMapRepository;
  let versions: MapVersionRepository;

  beforeAll(async () => {
    h = await repositoryHarness([
      { provide: MindMapRepository, useClass: TypeOrmMindMapRepository },
      { provide: MapVersionRepository, useClass: TypeOrmMapVersionRepository },
    ]);
    maps = h.app.get(MindMapRepository);
    versions = h.app.get(MapVersionRepository);
  });
  afterAll(() => h?.close());

  it("returns a map exactly as inserted to its owner, and nothing to anyone else", async () => {
    const owner = await h.newUser();
    const map = newMap(owner);
    await maps.insert(map);
    expect(await maps.findOwned(map.id, owner)).toEqual(map);
    expect(await maps.findOwned(map.id, await h.newUser())).toBeUndefined();
    expect(await maps.findOwned(randomUUID(), owner)).toBeUndefined();
  });

  it('reads an owned map with its head version in one snapshot, and nothing for anyone else', async () => {
    const owner = await h.newUser();
    const map = newMap(owner);
    await maps.insert(map);
    expect(await maps.findOwnedWithHead(map.id, owner)).toEqual({ map, head: null });
    const head = newVersion(map, { sizeBytes: 321 });
    await h.uow.run(async () => {
      await maps.moveHead(map.id, owner, { versionId: head.id, sizeBytes: head.sizeBytes }, null);
      await versions.insert(head);
    });
    const found = await maps.findOwnedWithHead(map.id, owner);
    expect(found).toEqual({ map: await maps.findOwned(map.id, owner), head });
    expect(await maps.findOwnedWithHead(map.id, await h.newUser())).toBeUndefined();
    expect(await maps.findOwnedWithHead(randomUUID(), owner)).toBeUndefined();
  });

  it('pages own maps newest first, to the end, and only own maps', async () => {
    const owner = await h.newUser();
    const base = Date.now() - 60_000;
    const mine = Array.from({ length: 5 }, (_, i) => newMap(owner, { createdAt: new Date(base + i * 1000) }));
    for (const m of mine) await maps.insert(m);
    await maps.insert(newMap(await h.newUser()));
    const seen: string[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await maps.listOwned(owner, 2, after);
      seen.push(...page.items.map((m) => m.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(mine.map((m) => m.id).reverse());
  });

  it('refuses the row-locking and envelope-swapping methods outside a transaction', async () => {
    const owner = await h.newUser();
    const map = newMap(owner);
    await maps.insert(map);
    await expect(maps.lockOwned(map.id, owner)).rejects.toBeInstanceOf(TransactionRequired);
    await expect(maps.lockById(map.id)).rejects.toBeInstanceOf(TransactionRequired);
    await expect(maps.lockAllOwned(owner)).rejects.toBeInstanceOf(TransactionRequired);
    await expect(maps.moveHead(map.id, owner, { versionId: randomUUID(), sizeBytes: 1 })).rejects.toBeInstanceOf(TransactionRequired);
    await expect(versions.lockBeyond(map.id, 1)).rejects.toBeInstanceOf(TransactionRequired);
    await expect(maps.replaceEnvelopes([{ id: map.id, envelope: map.envelope }])).rejects.toBeInstanceOf(TransactionRequired);
    expect(await h.uow.run(() => maps.lockOwned(map.id, owner))).toEqual(map);
  });

  it('moves the head only over the expected one, and answers the envelope in force under its lock', async () => {
    const owner = await h.newUser();
    const map = newMap(owner, { maxVersions: 1 });
    await maps.insert(map);
    const first = randomUUID();
    const moved = await h.uow.run(() => maps.moveHead(map.id, owner, { versionId: first, sizeBytes: 10 }, null));
    expect(moved).toEqual({ outcome: 'moved', overLimit: false, envelope: map.envelope });
    expect(await h.uow.run(() => maps.moveHead(map.id, owner, { versionId: randomUUID(), sizeBytes: 10 }, null))).toEqual({ outcome: 'conflict' });
    const stranger = await h.newUser();
    expect(await h.uow.run(() => maps.moveHead(map.id, stranger, { versionId: randomUUID(), sizeBytes: 10 }))).toEqual({ outcome: 'missing' });
    const second = await h.uow.run(() => maps.moveHead(map.id, owner, { versionId: randomUUID(), sizeBytes: 20 }, first));
    expect(second).toMatchObject({ outcome: 'moved', overLimit: true });
    expect(await maps.findOwned(map.id, owner)).toMatchObject({ sizeBytes: 20, versionCount: 2 });
    expect(await maps.listOverdueIds(100)).toContain(map.id);
    await maps.removedVersions(map.id, 1);
    expect(await maps.listOverdueIds(100)).not.toContain(map.id);
  });

  it('changes only the fields a patch names', async () => {
    const owner = await h.newUser();
    const map = newMap(owner);
    await maps.insert(map);
    const title = randomBytes(20);
    const updated = await maps.update(map.id, { encryptedTitle: title });
    expect(updated).toMatchObject({ encryptedTitle: title, envelope: map.envelope, maxVersions: map.maxVersions });
    const next = envelope();
    expect(await maps.update(map.id, { envelope: next, maxVersions: 7 })).toMatchObject({ encryptedTitle: title, envelope: next, maxVersions: 7 });
  });

  it('lists versions newest first, whole and in pages, and locks those past the newest `keep`', async () => {
    const owner = await h.newUser();
    const map = newMap(owner);
    await maps.insert(map);
    const saved = Array.from({ length: 5 }, () => newVersion(map));
    for (const v of saved) await versions.insert(v);
    const newestFirst = [...saved].reverse();
    expect(await versions.listForMap(map.id)).toEqual(newestFirst);
    expect(await versions.findInMap(saved[0].id, map.id)).toEqual(saved[0]);
    expect(await versions.findInMap(saved[0].id, randomUUID())).toBeUndefined();

    const paged: MapVersion[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await versions.listPage(map.id, 2, after);
      paged.push(...page.items);
      if (page.next === null) break;
      after = page.next;
    }
    expect(paged).toEqual(newestFirst);

    const beyond = await h.uow.run(() => versions.lockBeyond(map.id, 3));
    expect(beyond.map((v) => v.id)).toEqual(newestFirst.slice(3).map((v) => v.id));
    await versions.deleteByIds(beyond.map((v) => v.id));
    expect((await versions.listForMap(map.id)).map((v) => v.id)).toEqual(newestFirst.slice(0, 3).map((v) => v.id));
  });

  it('deleting a map deletes its versions', async () => {
    const owner = await h.newUser();
    const map = newMap(owner);
    await maps.insert(map);
    await versions.insert(newVersion(map));
    await maps.delete(map.id);
    expect(await maps.findOwned(map.id, owner)).toBeUndefined();
    expect(await versions.listForMap(map.id)).toEqual([]);
  });
});
