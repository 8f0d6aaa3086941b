import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import type { MapVersion, VersionForRetention } from '../domain/mind-map';
import type { Envelope } from '../../common/domain/envelope';
import { MapVersionRepository } from '../ports/map-version.repository';
import { ENVELOPE_COLUMNS, envelopeParams } from './envelope.columns';
import { MAP_VERSION_COLUMNS, MapVersionRow, toMapVersion } from './map-version.mapper';

@Injectable()
export class TypeOrmMapVersionRepository extends MapVersionRepository {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async insert(v: MapVersion): Promise<void> {
    await this.db.execute(
      `INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, ${ENVELOPE_COLUMNS}, saved_at, pinned, encrypted_label)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [v.id, v.mapId, v.ownerId, v.objectKey, v.sizeBytes, ...envelopeParams(v.envelope), v.savedAt, v.pinned, v.encryptedLabel],
    );
  }

  async findInMap(id: string, mapId: string): Promise<MapVersion | undefined> {
    const row = await this.db.row<MapVersionRow>(`SELECT ${MAP_VERSION_COLUMNS} FROM map_versions WHERE id = $1 AND map_id = $2`, [id, mapId]);
    return row && toMapVersion(row);
  }

  async listForMap(mapId: string): Promise<MapVersion[]> {
    const rows = await this.db.rows<MapVersionRow>(
      `SELECT ${MAP_VERSION_COLUMNS} FROM map_versions WHERE map_id = $1 ORDER BY seq DESC`,
      [mapId],
    );
    return rows.map(toMapVersion);
  }

  async objectKeysOfOwner(ownerId: string): Promise<string[]> {
    const rows = await this.db.rows<{ object_key: string }>('SELECT object_key FROM map_versions WHERE owner_id = $1', [ownerId]);
    return rows.map((r) => r.object_key);
  }

  async listPage(mapId: string, limit: number, after?: string): Promise<{ items: MapVersion[]; next: string | null }> {
    // Walks map_versions_map_seq_idx from the position on, however deep the page.
    const rows = await this.db.rows<MapVersionRow & { seq: string }>(
      `SELECT ${MAP_VERSION_COLUMNS}, seq FROM map_versions WHERE map_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint)
       ORDER BY seq DESC LIMIT $3`,
      [mapId, after ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return { items: page.map(toMapVersion), next: rows.length > limit ? page[page.length - 1].seq : null };
  }

  async lockBeyond(mapId: string, keep: number): Promise<MapVersion[]> {
    this.db.assertActive('MapVersionRepository.lockBeyond');
    const rows = await this.db.rows<MapVersionRow>(
      `SELECT ${MAP_VERSION_COLUMNS} FROM map_versions WHERE map_id = $1 ORDER BY seq DESC OFFSET $2 FOR UPDATE`,
      [mapId, keep],
    );
    return rows.map(toMapVersion);
  }

  async deleteByIds(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.execute('DELETE FROM map_versions WHERE id = ANY($1::uuid[])', [ids]);
  }

  async listForRetention(mapId: string): Promise<VersionForRetention[]> {
    this.db.assertActive('MapVersionRepository.listForRetention');
    // NOTE: shares pin versions through their foreign key, so the hold is read here, beside it:
    // the shares module depends on this one, which cannot ask it back.
    const rows = await this.db.rows<{ id: string; saved_at: Date; pinned: boolean; held: boolean; hold_ends_at: Date | null }>(
      `SELECT v.id, v.saved_at, v.pinned, h.held IS NOT NULL AS held, h.ends_at AS hold_ends_at
       FROM map_versions v
       LEFT JOIN LATERAL (
         SELECT true AS held, min(s.expires_at) AS ends_at FROM shares s
         WHERE s.version_id = v.id AND (s.expires_at IS NULL OR s.expires_at > now())
         HAVING count(*) > 0
       ) h ON true
       WHERE v.map_id = $1 ORDER BY v.seq DESC`,
      [mapId],
    );
    return rows.map((r) => ({ id: r.id, savedAt: r.saved_at, pinned: r.pinned, held: r.held, holdEndsAt: r.hold_ends_at }));
  }

  async deleteInMap(mapId: string, ids: string[]): Promise<MapVersion[]> {
    this.db.assertActive('MapVersionRepository.deleteInMap');
    if (ids.length === 0) return [];
    const rows = await this.db.rows<MapVersionRow>(
      `DELETE FROM map_versions WHERE map_id = $1 AND id = ANY($2::uuid[]) RETURNING ${MAP_VERSION_COLUMNS}`,
      [mapId, ids],
    );
    return rows.map(toMapVersion);
  }

  async mark(id: string, mapId: string, marks: { pinned?: boolean; encryptedLabel?: Buffer | null }): Promise<MapVersion | undefined> {
    this.db.assertActive('MapVersionRepository.mark');
    const row = await this.db.row<MapVersionRow>(
      `UPDATE map_versions
       SET pinned = CASE WHEN $3::boolean THEN $4::boolean ELSE pinned END,
           encrypted_label = CASE WHEN $5::boolean THEN $6::bytea ELSE encrypted_label END
       WHERE id = $1 AND map_id = $2 RETURNING ${MAP_VERSION_COLUMNS}`,
      [id, mapId, marks.pinned !== undefined, marks.pinned ?? false, marks.encryptedLabel !== undefined, marks.encryptedLabel ?? null],
    );
    return row && toMapVersion(row);
  }

  async countPinned(mapId: string): Promise<number> {
    const row = await this.db.row<{ n: number }>('SELECT count(*)::int AS n FROM map_versions WHERE map_id = $1 AND pinned', [mapId]);
    return row?.n ?? 0;
  }

  async distinctWrappedDeks(ownerId: string): Promise<{ mapId: string; wrappedDek: Buffer }[]> {
    this.db.assertActive('MapVersionRepository.distinctWrappedDeks');
    const rows = await this.db.rows<{ map_id: string; env_wrapped_dek: Buffer }>(
      'SELECT DISTINCT map_id, env_wrapped_dek FROM map_versions WHERE owner_id = $1',
      [ownerId],
    );
    return rows.map((r) => ({ mapId: r.map_id, wrappedDek: r.env_wrapped_dek }));
  }

  async replaceEnvelopes(items: { mapId: string; previousWrappedDek: Buffer; envelope: Envelope }[]): Promise<void> {
    this.db.assertActive('MapVersionRepository.replaceEnvelopes');
    if (items.length === 0) return;
    await this.db.execute(
      `UPDATE map_versions mv
       SET env_eph_classical_public = v.c, env_eph_pq_ciphertext = v.p, env_wrapped_dek = v.w
       FROM unnest($1::uuid[], $2::bytea[], $3::bytea[], $4::bytea[], $5::bytea[]) AS v(map_id, old, c, p, w)
       WHERE mv.map_id = v.map_id AND mv.env_wrapped_dek = v.old`,
      [
        items.map((i) => i.mapId),
        items.map((i) => i.previousWrappedDek),
        items.map((i) => i.envelope.ephClassicalPublic),
        items.map((i) => i.envelope.ephPqCiphertext),
        items.map((i) => i.envelope.wrappedDek),
      ],
    );
  }
}
