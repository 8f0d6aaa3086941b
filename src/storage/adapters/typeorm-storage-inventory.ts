import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import type { Charges } from '../domain/charge';
import { StorageInventory } from '../ports/storage-inventory';

/**
 * NOTE: reads the mind maps' version rows and the users table directly. A maintenance sweep over
 * every object and every user needs set-based queries, not a service call per key; it only
 * reads them, and every write goes through the owning module's port (UsageLedger, BlobStore).
 */
@Injectable()
export class TypeOrmStorageInventory extends StorageInventory {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async referencedKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.rows<{ object_key: string }>(
      'SELECT object_key FROM map_versions WHERE object_key = ANY($1::text[])',
      [keys],
    );
    return new Set(rows.map((r) => r.object_key));
  }

  async chargedBytesOf(userId: string, charges: Charges): Promise<number> {
    // GREATEST(size_bytes, minimum) is versionCharge in SQL; the minimum-charge e2e spec holds the two equal.
    const rows = await this.db.rows<{ total: string }>(
      `SELECT (SELECT COALESCE(sum(GREATEST(size_bytes, $2::bigint)), 0) FROM map_versions WHERE owner_id = $1)
            + (SELECT count(*) FROM mind_maps WHERE owner_id = $1) * $3::bigint AS total`,
      [userId, charges.minVersionBytes, charges.mapBytes],
    );
    return Number(rows[0].total);
  }

  async userIdsAfter(afterId: string | null, limit: number): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      'SELECT id FROM users WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2',
      [afterId, limit],
    );
    return rows.map((r) => r.id);
  }
}
