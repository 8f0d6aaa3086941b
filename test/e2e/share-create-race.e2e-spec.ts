import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlClient } from '../../src/database/sql-client';
import { TypeOrmShareRepository } from '../../src/shares/adapters/typeorm-share.repository';
import type { Share } from '../../src/shares/domain/share';
import { ShareRepository } from '../../src/shares/ports/share.repository';
import { Api, envelope } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * The real repository, except that the next insert first deletes a row inside the create's own
 * transaction: the map or the pinned version going away between the service's checks and the insert.
 */
class RacedShareRepository extends TypeOrmShareRepository {
  deleteFirst: { table: 'mind_maps' | 'map_versions'; id: string } | undefined;

  constructor(private readonly sql: SqlClient) {
    super(sql);
  }

  override async insert(share: Share): Promise<void> {
    const doomed = this.deleteFirst;
    this.deleteFirst = undefined;
    if (doomed) await this.sql.execute(`DELETE FROM ${doomed.table} WHERE id = $1`, [doomed.id]);
    return super.insert(share);
  }
}

describe('creating a share while its map or pinned version goes away', () => {
  let t: TestApp;
  let api: Api;
  let shares: RacedShareRepository;

  beforeAll(async () => {
    t = await createTestApp({
      overrides: [{ provide: ShareRepository, inject: [SqlClient], useFactory: (sql: SqlClient) => (shares = new RacedShareRepository(sql)) }],
    });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it.each([
    ['map_versions', 404, 'VERSION_NOT_FOUND'],
    ['mind_maps', 404, 'MAP_NOT_FOUND'],
  ] as const)('answers a %s row deleted before the insert as %i %s, and writes nothing', async (table, status, code) => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    const pinned = (await api.upload(owner, map.id, randomBytes(100))).body.versionId;
    await api.upload(owner, map.id, randomBytes(100));
    shares.deleteFirst = { table, id: table === 'mind_maps' ? map.id : pinned };

    const res = await api.request<{ code?: string }>('POST', `/api/mindmaps/${map.id}/shares`, {
      token: owner.accessToken,
      json: { envelope: envelope(), keyVersion: 1, versionId: pinned },
    });
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    // The create's transaction rolled back: the deleted row is back, and no share was written.
    expect((await api.request('GET', `/api/mindmaps/${map.id}/blob?versionId=${pinned}`, { token: owner.accessToken })).status).toBe(200);
    expect((await api.request<{ items: unknown[] }>('GET', `/api/mindmaps/${map.id}/shares`, { token: owner.accessToken })).body.items).toEqual([]);
  });
});
