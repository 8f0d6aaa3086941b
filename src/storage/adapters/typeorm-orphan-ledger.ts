import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { OrphanLedger } from '../ports/orphan-ledger';

@Injectable()
export class TypeOrmOrphanLedger extends OrphanLedger {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async record(objectKey: string, reason: string): Promise<void> {
    await this.db.execute(
      `INSERT INTO orphan_objects (object_key, reason) VALUES ($1, $2)
       ON CONFLICT (object_key) DO UPDATE SET reason = EXCLUDED.reason, recorded_at = now()`,
      [objectKey, reason],
    );
  }

  async list(limit: number, after?: string): Promise<string[]> {
    const rows = await this.db.rows<{ object_key: string }>(
      'SELECT object_key FROM orphan_objects WHERE $2::text IS NULL OR object_key > $2::text ORDER BY object_key LIMIT $1',
      [limit, after ?? null],
    );
    return rows.map((r) => r.object_key);
  }

  async forget(objectKey: string): Promise<void> {
    await this.db.execute('DELETE FROM orphan_objects WHERE object_key = $1', [objectKey]);
  }
}
