import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { StorageInventory } from './storage-inventory';

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

  async storedBytesOf(userId: string): Promise<number> {
    const rows = await this.db.rows<{ total: string }>(
      'SELECT COALESCE(sum(size_bytes), 0) AS total FROM map_versions WHERE owner_id = $1',
      [userId],
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
