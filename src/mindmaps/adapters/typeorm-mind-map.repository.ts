import { Injectable } from '@nestjs/common';
import { PG_UNIQUE_VIOLATION, pgErrorOf, SqlClient } from '../../database/sql-client';
import type { MapVersion, MindMap } from '../domain/mind-map';
import type { Envelope } from '../../common/domain/envelope';
import { KeysetCursor, keysetPage } from '../../common/http/keyset-cursor';
import { MapIdTaken } from '../mindmaps.errors';
import { HeadMove, MapPage, MindMapRepository } from '../ports/mind-map.repository';
import { ENVELOPE_COLUMNS, envelopeParams, EnvelopeRow, toEnvelope } from './envelope.columns';
import { MAP_VERSION_COLUMNS, MapVersionRow, toMapVersion } from './map-version.mapper';
import { MIND_MAP_COLUMNS, MindMapRow, toMindMap } from './mind-map.mapper';

/** Every request that names a map runs this; the benchmark's bare baseline runs the same text. */
export const FIND_OWNED_MAP_SQL = `SELECT ${MIND_MAP_COLUMNS} FROM mind_maps WHERE id = $1 AND owner_id = $2`;

const VERSION_COLUMN_NAMES = MAP_VERSION_COLUMNS.split(',').map((c) => c.trim());

/** The owned map and its head version's row, the latter's columns prefixed `head_` (all null before the first save). */
const FIND_OWNED_MAP_WITH_HEAD_SQL = `
  SELECT ${MIND_MAP_COLUMNS.split(',').map((c) => `m.${c.trim()}`).join(', ')},
         ${VERSION_COLUMN_NAMES.map((c) => `v.${c} AS head_${c}`).join(', ')}
  FROM mind_maps m LEFT JOIN map_versions v ON v.id = m.head_version_id
  WHERE m.id = $1 AND m.owner_id = $2`;

@Injectable()
export class TypeOrmMindMapRepository extends MindMapRepository {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async insert(m: MindMap): Promise<void> {
    await this.db.execute(
      `INSERT INTO mind_maps (id, owner_id, encrypted_title, ${ENVELOPE_COLUMNS}, max_versions, head_version_id, size_bytes,
                              version_count, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [m.id, m.ownerId, m.encryptedTitle, ...envelopeParams(m.envelope), m.maxVersions, m.headVersionId, m.sizeBytes,
        m.versionCount, m.createdAt, m.updatedAt],
    ).catch((error: unknown) => {
      if (pgErrorOf(error, PG_UNIQUE_VIOLATION)) throw new MapIdTaken();
      throw error;
    });
  }

  async countOwned(ownerId: string): Promise<number> {
    const row = await this.db.row<{ n: number }>('SELECT count(*)::int AS n FROM mind_maps WHERE owner_id = $1', [ownerId]);
    return row?.n ?? 0;
  }

  async findOwned(id: string, ownerId: string): Promise<MindMap | undefined> {
    const row = await this.db.row<MindMapRow>(FIND_OWNED_MAP_SQL, [id, ownerId]);
    return row && toMindMap(row);
  }

  async findOwnedWithHead(id: string, ownerId: string): Promise<{ map: MindMap; head: MapVersion | null } | undefined> {
    const row = await this.db.row<MindMapRow & Record<string, unknown>>(FIND_OWNED_MAP_WITH_HEAD_SQL, [id, ownerId]);
    if (!row) return undefined;
    const head = row.head_id === null ? null : toMapVersion(Object.fromEntries(VERSION_COLUMN_NAMES.map((c) => [c, row[`head_${c}`]])) as unknown as MapVersionRow);
    return { map: toMindMap(row), head };
  }

  async lockOwned(id: string, ownerId: string): Promise<MindMap | undefined> {
    this.db.assertActive('MindMapRepository.lockOwned');
    const row = await this.db.row<MindMapRow>(`${FIND_OWNED_MAP_SQL} FOR UPDATE`, [id, ownerId]);
    return row && toMindMap(row);
  }

  async lockById(id: string): Promise<MindMap | undefined> {
    this.db.assertActive('MindMapRepository.lockById');
    const row = await this.db.row<MindMapRow>(`SELECT ${MIND_MAP_COLUMNS} FROM mind_maps WHERE id = $1 FOR UPDATE`, [id]);
    return row && toMindMap(row);
  }

  async listOwned(ownerId: string, limit: number, after?: KeysetCursor): Promise<MapPage> {
    // The row comparison walks mind_maps_owner_created_idx from the cursor on, however deep the page.
    const rows = await this.db.rows<MindMapRow>(
      `SELECT ${MIND_MAP_COLUMNS} FROM mind_maps
       WHERE owner_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [ownerId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return keysetPage(rows, limit, toMindMap);
  }

  async lockAllOwned(ownerId: string): Promise<{ id: string; wrappedDek: Buffer }[]> {
    this.db.assertActive('MindMapRepository.lockAllOwned');
    const rows = await this.db.rows<{ id: string; env_wrapped_dek: Buffer }>(
      'SELECT id, env_wrapped_dek FROM mind_maps WHERE owner_id = $1 ORDER BY id FOR UPDATE',
      [ownerId],
    );
    return rows.map((r) => ({ id: r.id, wrappedDek: r.env_wrapped_dek }));
  }

  async update(id: string, patch: Partial<Pick<MindMap, 'encryptedTitle' | 'envelope' | 'maxVersions'>>): Promise<MindMap> {
    const envelope = patch.envelope ? envelopeParams(patch.envelope) : [null, null, null];
    const row = await this.db.row<MindMapRow>(
      `UPDATE mind_maps SET encrypted_title = COALESCE($2, encrypted_title),
         env_eph_classical_public = COALESCE($3, env_eph_classical_public), env_eph_pq_ciphertext = COALESCE($4, env_eph_pq_ciphertext),
         env_wrapped_dek = COALESCE($5, env_wrapped_dek), max_versions = COALESCE($6, max_versions), updated_at = now()
       WHERE id = $1 RETURNING ${MIND_MAP_COLUMNS}`,
      [id, patch.encryptedTitle ?? null, ...envelope, patch.maxVersions ?? null],
    );
    if (!row) throw new Error(`mind map ${id} is gone`);
    return toMindMap(row);
  }

  async delete(id: string): Promise<void> {
    await this.db.execute('DELETE FROM mind_maps WHERE id = $1', [id]);
  }

  async deleteAllOwned(ownerId: string): Promise<number> {
    return (await this.db.execute('DELETE FROM mind_maps WHERE owner_id = $1', [ownerId])).affected;
  }

  async moveHead(
    id: string,
    ownerId: string,
    head: { versionId: string; sizeBytes: number },
    expectedHead?: string | null,
  ): Promise<HeadMove> {
    this.db.assertActive('MindMapRepository.moveHead');
    const row = await this.db.row<EnvelopeRow & { over: boolean }>(
      `UPDATE mind_maps SET head_version_id = $3, size_bytes = $4, version_count = version_count + 1, updated_at = now(), thin_due_at = now()
       WHERE id = $1 AND owner_id = $2 AND ($5::boolean IS FALSE OR head_version_id IS NOT DISTINCT FROM $6::uuid)
       RETURNING version_count > max_versions AS over, ${ENVELOPE_COLUMNS}`,
      [id, ownerId, head.versionId, head.sizeBytes, expectedHead !== undefined, expectedHead ?? null],
    );
    if (row) return { outcome: 'moved', overLimit: row.over, envelope: toEnvelope(row) };
    const exists = await this.db.row('SELECT 1 FROM mind_maps WHERE id = $1 AND owner_id = $2', [id, ownerId]);
    return { outcome: exists ? 'conflict' : 'missing' };
  }

  async listOverdueIds(limit: number): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      'SELECT id FROM mind_maps WHERE version_count > max_versions ORDER BY updated_at LIMIT $1',
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async overdueBacklog(): Promise<{ maps: number; oldestSince: Date | null }> {
    // A map's versions oldest first: the one at position maxVersions (0-based) is the save that took
    // it over its limit, i.e. when its prune became due.
    const rows = await this.db.rows<{ maps: string; oldest: Date | null }>(
      `SELECT count(*) AS maps, min(due.saved_at) AS oldest
       FROM mind_maps m
       CROSS JOIN LATERAL (
         SELECT v.saved_at FROM map_versions v WHERE v.map_id = m.id ORDER BY v.seq OFFSET m.max_versions LIMIT 1
       ) due
       WHERE m.version_count > m.max_versions`,
    );
    return { maps: Number(rows[0]?.maps ?? 0), oldestSince: rows[0]?.oldest ?? null };
  }

  async listThinDueIds(limit: number): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      'SELECT id FROM mind_maps WHERE thin_due_at <= now() ORDER BY thin_due_at LIMIT $1',
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async setThinDue(id: string, at: Date | null): Promise<void> {
    await this.db.execute('UPDATE mind_maps SET thin_due_at = $2 WHERE id = $1', [id, at]);
  }

  async removedVersions(id: string, count: number): Promise<void> {
    await this.db.execute('UPDATE mind_maps SET version_count = version_count - $2 WHERE id = $1', [id, count]);
  }

  async replaceEnvelopes(items: { id: string; envelope: Envelope }[]): Promise<void> {
    this.db.assertActive('MindMapRepository.replaceEnvelopes');
    if (items.length === 0) return;
    // One statement for every map: a rotation of thousands of maps costs one round trip, not thousands.
    await this.db.execute(
      `UPDATE mind_maps m
       SET env_eph_classical_public = v.c, env_eph_pq_ciphertext = v.p, env_wrapped_dek = v.w, updated_at = now()
       FROM unnest($1::uuid[], $2::bytea[], $3::bytea[], $4::bytea[]) AS v(id, c, p, w)
       WHERE m.id = v.id`,
      [
        items.map((i) => i.id),
        items.map((i) => i.envelope.ephClassicalPublic),
        items.map((i) => i.envelope.ephPqCiphertext),
        items.map((i) => i.envelope.wrappedDek),
      ],
    );
  }
}
