import { Injectable } from '@nestjs/common';
import { KeysetCursor, keysetPage } from '../../common/http/keyset-cursor';
import { pgErrorOf, PG_FOREIGN_KEY_VIOLATION, SqlClient } from '../../database/sql-client';
import type { Share } from '../domain/share';
import { ShareRepository, ShareTargetGone } from '../ports/share.repository';
import { SHARE_COLUMNS, shareParams, ShareRow, toShare } from './share.mapper';

@Injectable()
export class TypeOrmShareRepository extends ShareRepository {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async insert(share: Share): Promise<void> {
    try {
      await this.db.execute(`INSERT INTO shares (${SHARE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, shareParams(share));
    } catch (error) {
      // The map or its pinned version went away between the service's check and this insert.
      const violation = pgErrorOf(error, PG_FOREIGN_KEY_VIOLATION);
      if (violation) throw new ShareTargetGone(violation.constraint?.includes('version') ? 'version' : 'map');
      throw error;
    }
  }

  async countOwned(ownerId: string): Promise<number> {
    const row = await this.db.row<{ n: number }>('SELECT count(*)::int AS n FROM shares WHERE owner_id = $1', [ownerId]);
    return row?.n ?? 0;
  }

  async listForMap(mapId: string, limit: number, after?: KeysetCursor): Promise<{ items: Share[]; next: KeysetCursor | null }> {
    const rows = await this.db.rows<ShareRow>(
      `SELECT ${SHARE_COLUMNS} FROM shares
       WHERE map_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [mapId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return keysetPage(rows, limit, toShare);
  }

  async findLive(tokenHash: Buffer, now: Date): Promise<Share | undefined> {
    const row = await this.db.row<ShareRow>(
      `SELECT ${SHARE_COLUMNS} FROM shares s
       WHERE s.token_hash = $1 AND (s.expires_at IS NULL OR s.expires_at > $2)
         -- A disabled account's links stop with it, as its tokens do.
         AND NOT EXISTS (SELECT 1 FROM mind_maps m JOIN users u ON u.id = m.owner_id WHERE m.id = s.map_id AND u.disabled)`,
      [tokenHash, now],
    );
    return row && toShare(row);
  }

  async delete(id: string, mapId: string): Promise<boolean> {
    return (await this.db.execute('DELETE FROM shares WHERE id = $1 AND map_id = $2', [id, mapId])).affected === 1;
  }
}
