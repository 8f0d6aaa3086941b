import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeysetCursor } from '../../../src/common/http/keyset-cursor';
import { TypeOrmShareRepository } from '../../../src/shares/adapters/typeorm-share.repository';
import type { Share } from '../../../src/shares/domain/share';
import { ShareRepository, ShareTargetGone } from '../../../src/shares/ports/share.repository';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

const HOUR_MS = 3600_000;

describe('ShareRepository contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let shares: ShareRepository;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: ShareRepository, useClass: TypeOrmShareRepository }]);
    shares = h.app.get(ShareRepository);
  });
  afterAll(() => h?.close());

  /** A map of a new owner (or of `ownerId`) with one version. */
  async function newMap(ownerId?: string): Promise<{ ownerId: string; mapId: string; versionId: string }> {
    const owner = ownerId ?? (await h.newUser());
    const mapId = await h.newMap(owner);
    return { ownerId: owner, mapId, versionId: await h.newVersion(mapId) };
  }

  function newShare(map: { ownerId: string; mapId: string }, overrides: Partial<Share> = {}): Share {
    return {
      id: randomUUID(),
      mapId: map.mapId,
      ownerId: map.ownerId,
      tokenHash: randomBytes(32),
      envelope: { ephClassicalPublic: randomBytes(32), ephPqCiphertext: randomBytes(1088), wrappedDek: randomBytes(48) },
      versionId: null,
      expiresAt: null,
      createdAt: new Date(),
      ...overrides,
    };
  }

  async function listAll(mapId: string, limit: number): Promise<Share[]> {
    const items: Share[] = [];
    let after: KeysetCursor | undefined;
    for (;;) {
      const page = await shares.listForMap(mapId, limit, after);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      if (page.next === null) return items;
      after = page.next;
    }
  }

  it('finds a live share exactly as inserted by its token hash, and nothing for another hash', async () => {
    const map = await newMap();
    const share = newShare(map, { versionId: map.versionId, expiresAt: new Date(Date.now() + HOUR_MS) });
    await shares.insert(share);
    expect(await shares.findLive(share.tokenHash, new Date())).toEqual(share);
    expect(await shares.findLive(randomBytes(32), new Date())).toBeUndefined();
  });

  it('answers nothing for a share at or past its expiry', async () => {
    const map = await newMap();
    const expiresAt = new Date(Date.now() + HOUR_MS);
    const share = newShare(map, { expiresAt });
    await shares.insert(share);
    expect(await shares.findLive(share.tokenHash, new Date(expiresAt.getTime() - 1))).toEqual(share);
    expect(await shares.findLive(share.tokenHash, expiresAt)).toBeUndefined();
    expect(await shares.findLive(share.tokenHash, new Date(expiresAt.getTime() + HOUR_MS))).toBeUndefined();
  });

  it("answers nothing while the map's owner is disabled, and again once enabled", async () => {
    const owner = await h.newUser({ disabled: true });
    const share = newShare(await newMap(owner));
    await shares.insert(share);
    expect(await shares.findLive(share.tokenHash, new Date())).toBeUndefined();
    await h.db.pool.query('UPDATE users SET disabled = false WHERE id = $1', [owner]);
    expect(await shares.findLive(share.tokenHash, new Date())).toEqual(share);
  });

  it('deletes a share only through its own map, once', async () => {
    const map = await newMap();
    const other = await newMap(map.ownerId);
    const share = newShare(map);
    await shares.insert(share);
    expect(await shares.delete(share.id, other.mapId)).toBe(false);
    expect(await shares.findLive(share.tokenHash, new Date())).toEqual(share);
    expect(await shares.delete(share.id, map.mapId)).toBe(true);
    expect(await shares.findLive(share.tokenHash, new Date())).toBeUndefined();
    expect(await shares.delete(share.id, map.mapId)).toBe(false);
  });

  it("goes with its pinned version, and every share goes with its map; a head link outlives a version's deletion", async () => {
    const map = await newMap();
    const pinned = newShare(map, { versionId: map.versionId });
    const head = newShare(map);
    await shares.insert(pinned);
    await shares.insert(head);
    await h.db.pool.query('DELETE FROM map_versions WHERE id = $1', [map.versionId]);
    expect(await shares.findLive(pinned.tokenHash, new Date())).toBeUndefined();
    expect(await shares.findLive(head.tokenHash, new Date())).toEqual(head);
    await h.db.pool.query('DELETE FROM mind_maps WHERE id = $1', [map.mapId]);
    expect(await shares.findLive(head.tokenHash, new Date())).toBeUndefined();
    expect(await shares.countOwned(map.ownerId)).toBe(0);
  });

  it('rejects a share whose pinned version is gone, or whose map is gone, with ShareTargetGone naming which', async () => {
    const map = await newMap();
    await h.db.pool.query('DELETE FROM map_versions WHERE id = $1', [map.versionId]);
    const versionGone = await shares.insert(newShare(map, { versionId: map.versionId })).catch((error: unknown) => error);
    expect(versionGone).toBeInstanceOf(ShareTargetGone);
    expect(versionGone).toMatchObject({ target: 'version' });
    await h.db.pool.query('DELETE FROM mind_maps WHERE id = $1', [map.mapId]);
    const mapGone = await shares.insert(newShare(map)).catch((error: unknown) => error);
    expect(mapGone).toBeInstanceOf(ShareTargetGone);
    expect(mapGone).toMatchObject({ target: 'map' });
    expect(await shares.countOwned(map.ownerId)).toBe(0);
  });

  it("counts the shares of all the owner's maps, expired ones included, and no one else's", async () => {
    const a = await newMap();
    const b = await newMap(a.ownerId);
    const stranger = await newMap();
    expect(await shares.countOwned(a.ownerId)).toBe(0);
    await shares.insert(newShare(a));
    await shares.insert(newShare(b, { expiresAt: new Date(Date.now() + HOUR_MS), createdAt: new Date(Date.now() - 2 * HOUR_MS) }));
    await shares.insert(newShare(b, { versionId: b.versionId }));
    await shares.insert(newShare(stranger));
    expect(await shares.countOwned(a.ownerId)).toBe(3);
    expect(await shares.countOwned(await h.newUser())).toBe(0);
  });

  it("lists a map's shares newest first, in pages with no gap or repeat, and only that map's", async () => {
    const map = await newMap();
    const base = Date.now() - HOUR_MS;
    const mine = Array.from({ length: 5 }, (_, i) => newShare(map, { createdAt: new Date(base + i * 1000) }));
    for (const s of mine) await shares.insert(s);
    await shares.insert(newShare(await newMap(map.ownerId)));
    const newestFirst = [...mine].reverse();
    expect(await listAll(map.mapId, 10)).toEqual(newestFirst);
    for (const limit of [1, 2, 5]) expect((await listAll(map.mapId, limit)).map((s) => s.id)).toEqual(newestFirst.map((s) => s.id));
    expect(await shares.listForMap(map.mapId, 5)).toMatchObject({ next: null });
    expect(await shares.listForMap(randomUUID(), 5)).toEqual({ items: [], next: null });
  });

  it('pages shares created at the same instant by id, with no gap or repeat', async () => {
    const map = await newMap();
    const createdAt = new Date();
    const same = Array.from({ length: 7 }, () => newShare(map, { createdAt }));
    for (const s of same) await shares.insert(s);
    const expected = same.map((s) => s.id).sort().reverse();
    for (const limit of [1, 2, 3]) expect((await listAll(map.mapId, limit)).map((s) => s.id)).toEqual(expected);
  });

  it("joins the caller's transaction: a share inserted in one that rolls back never existed", async () => {
    const map = await newMap();
    const share = newShare(map);
    const failure = new Error('rolled back');
    await expect(
      h.uow.run(async () => {
        await shares.insert(share);
        expect(await shares.countOwned(map.ownerId)).toBe(1);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await shares.findLive(share.tokenHash, new Date())).toBeUndefined();
  });
});
