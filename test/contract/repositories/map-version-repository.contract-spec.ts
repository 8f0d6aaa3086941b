import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/common/domain/envelope';
import { TransactionRequired } from '../../../src/database/unit-of-work';
import { TypeOrmMapVersionRepository } from '../../../src/mindmaps/adapters/typeorm-map-version.repository';
import type { MapVersion } from '../../../src/mindmaps/domain/mind-map';
import { MapVersionRepository } from '../../../src/mindmaps/ports/map-version.repository';
import { holdOpen, repositoryHarness, RepositoryHarness } from './repository-harness';

// What mindmaps.contract-spec.ts leaves out: pages under change, the prune lock, and key rotation.

const envelope = (wrappedDek = randomBytes(48)): Envelope => ({
  ephClassicalPublic: randomBytes(32),
  ephPqCiphertext: randomBytes(1088),
  wrappedDek,
});

describe('MapVersionRepository contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let versions: MapVersionRepository;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: MapVersionRepository, useClass: TypeOrmMapVersionRepository }]);
    versions = h.app.get(MapVersionRepository);
  });
  afterAll(() => h?.close());

  async function newMap(ownerId?: string): Promise<{ ownerId: string; mapId: string }> {
    const owner = ownerId ?? (await h.newUser());
    return { ownerId: owner, mapId: await h.newMap(owner) };
  }

  async function save(map: { ownerId: string; mapId: string }, env: Envelope = envelope()): Promise<MapVersion> {
    const id = randomUUID();
    const version: MapVersion = {
      id,
      mapId: map.mapId,
      ownerId: map.ownerId,
      objectKey: `users/${map.ownerId}/maps/${map.mapId}/${id}`,
      sizeBytes: 100,
      envelope: env,
      savedAt: new Date(Math.floor(Date.now() / 1000) * 1000),
      pinned: false,
      encryptedLabel: null,
    };
    await versions.insert(version);
    return version;
  }

  const ids = (list: MapVersion[]) => list.map((v) => v.id);

  it('keeps its page positions while versions are added and pruned: no repeat, and no older version skipped', async () => {
    const map = await newMap();
    const saved: MapVersion[] = [];
    for (let i = 0; i < 6; i++) saved.push(await save(map));
    const newestFirst = [...saved].reverse();

    const first = await versions.listPage(map.mapId, 2);
    expect(ids(first.items)).toEqual(ids(newestFirst.slice(0, 2)));
    await save(map);
    await save(map);
    await versions.deleteByIds([newestFirst[4].id]);
    const rest: MapVersion[] = [];
    for (let after = first.next; after !== null; ) {
      const page = await versions.listPage(map.mapId, 2, after);
      rest.push(...page.items);
      after = page.next;
    }
    expect(ids(rest)).toEqual(ids([newestFirst[2], newestFirst[3], newestFirst[5]]));
  });

  it('answers an empty last page for a map with no versions, and nothing past the newest `keep` when there are no more', async () => {
    const map = await newMap();
    expect(await versions.listPage(map.mapId, 5)).toEqual({ items: [], next: null });
    await save(map);
    await save(map);
    expect(await h.uow.run(() => versions.lockBeyond(map.mapId, 2))).toEqual([]);
    expect((await versions.listPage(map.mapId, 2)).next).toBeNull();
  });

  it('holds the rows past `keep` until the transaction ends: a second prune of the map waits for the first', async () => {
    const map = await newMap();
    for (let i = 0; i < 4; i++) await save(map);
    const first = await holdOpen(
      h.uow,
      () => versions.lockBeyond(map.mapId, 2),
      async (beyond) => {
        await versions.deleteByIds(ids(beyond));
        return beyond;
      },
    );
    const second = h.uow.run(() => versions.lockBeyond(map.mapId, 2));
    const waited = await h.waitsForLock(second);
    first.release();
    expect(await first.done).toHaveLength(2);
    // The second prune finds the rows it waited for gone, and deletes nothing twice.
    expect(await second).toEqual([]);
    expect(waited).toBe(true);
    expect(await versions.listForMap(map.mapId)).toHaveLength(2);
  });

  it('deletes exactly the versions named; none named, or unknown ids, delete nothing', async () => {
    const map = await newMap();
    const [a, b, c] = [await save(map), await save(map), await save(map)];
    await versions.deleteByIds([]);
    await versions.deleteByIds([randomUUID()]);
    expect(ids(await versions.listForMap(map.mapId))).toEqual(ids([c, b, a]));
    await versions.deleteByIds([a.id, c.id]);
    expect(ids(await versions.listForMap(map.mapId))).toEqual([b.id]);
  });

  it('refuses the key-rotation methods outside a transaction', async () => {
    const map = await newMap();
    await save(map);
    await expect(versions.distinctWrappedDeks(map.ownerId)).rejects.toBeInstanceOf(TransactionRequired);
    await expect(versions.replaceEnvelopes([{ mapId: map.mapId, previousWrappedDek: randomBytes(48), envelope: envelope() }])).rejects.toBeInstanceOf(
      TransactionRequired,
    );
  });

  it("lists each distinct wrapped data key of the owner's maps once, and no other owner's", async () => {
    const a = await newMap();
    const b = await newMap(a.ownerId);
    const [x, y] = [randomBytes(48), randomBytes(48)];
    await save(a, envelope(x));
    await save(a, envelope(x));
    await save(a, envelope(y));
    await save(b, envelope(x));
    await save(await newMap(), envelope(randomBytes(48)));
    const deks = await h.uow.run(() => versions.distinctWrappedDeks(a.ownerId));
    const key = (d: { mapId: string; wrappedDek: Buffer }) => `${d.mapId}:${d.wrappedDek.toString('hex')}`;
    expect(deks.map(key).sort()).toEqual(
      [
        { mapId: a.mapId, wrappedDek: x },
        { mapId: a.mapId, wrappedDek: y },
        { mapId: b.mapId, wrappedDek: x },
      ]
        .map(key)
        .sort(),
    );
    const stranger = await h.newUser();
    expect(await h.uow.run(() => versions.distinctWrappedDeks(stranger))).toEqual([]);
  });

  it("re-wraps every version of the map under the old key, and only those: not other keys', not other maps'", async () => {
    const a = await newMap();
    const b = await newMap(a.ownerId);
    const [old, other] = [randomBytes(48), randomBytes(48)];
    const [a1, a2, a3, b1] = [await save(a, envelope(old)), await save(a, envelope(old)), await save(a, envelope(other)), await save(b, envelope(old))];
    const next = envelope();
    await h.uow.run(() => versions.replaceEnvelopes([{ mapId: a.mapId, previousWrappedDek: old, envelope: next }]));
    expect(await versions.findInMap(a1.id, a.mapId)).toEqual({ ...a1, envelope: next });
    expect(await versions.findInMap(a2.id, a.mapId)).toEqual({ ...a2, envelope: next });
    expect(await versions.findInMap(a3.id, a.mapId)).toEqual(a3);
    expect(await versions.findInMap(b1.id, b.mapId)).toEqual(b1);
    await h.uow.run(() => versions.replaceEnvelopes([]));
  });

  it('applies all the replacements of one call at once: two keys of a map can trade places', async () => {
    const map = await newMap();
    const [x, y] = [envelope(), envelope()];
    const [vx, vy] = [await save(map, x), await save(map, y)];
    await h.uow.run(() =>
      versions.replaceEnvelopes([
        { mapId: map.mapId, previousWrappedDek: x.wrappedDek, envelope: y },
        { mapId: map.mapId, previousWrappedDek: y.wrappedDek, envelope: x },
      ]),
    );
    expect(await versions.findInMap(vx.id, map.mapId)).toEqual({ ...vx, envelope: y });
    expect(await versions.findInMap(vy.id, map.mapId)).toEqual({ ...vy, envelope: x });
  });
});
