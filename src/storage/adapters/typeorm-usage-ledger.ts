import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { UsageAddResult, UsageLedger } from '../ports/usage-ledger';

@Injectable()
export class TypeOrmUsageLedger extends UsageLedger {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async usageOf(userId: string): Promise<number> {
    const rows = await this.db.rows<{ usage_bytes: string }>(
      'SELECT usage_bytes FROM user_usage WHERE user_id = $1',
      [userId],
    );
    return Number(rows[0]?.usage_bytes ?? 0);
  }

  async tryAdd(userId: string, bytes: number, limitBytes: number): Promise<UsageAddResult> {
    // NOTE: the limit is checked inside the UPDATE itself; the row lock it takes serialises
    // concurrent uploads of one user, so there is no read-then-write window.
    const rows = await this.db.rows<{ usage_bytes: string }>(
      `INSERT INTO user_usage (user_id, usage_bytes) SELECT $1, $2::bigint WHERE $2::bigint <= $3::bigint
       ON CONFLICT (user_id) DO UPDATE SET usage_bytes = user_usage.usage_bytes + EXCLUDED.usage_bytes
         WHERE user_usage.usage_bytes + EXCLUDED.usage_bytes <= $3::bigint
       RETURNING usage_bytes`,
      [userId, bytes, limitBytes],
    );
    if (rows.length === 1) return { ok: true, usageBytes: Number(rows[0].usage_bytes) };
    return { ok: false, usageBytes: await this.usageOf(userId) };
  }

  async lock(userId: string): Promise<number> {
    this.db.assertActive('UsageLedger.lock');
    await this.db.execute(
      'INSERT INTO user_usage (user_id, usage_bytes) VALUES ($1, 0) ON CONFLICT (user_id) DO NOTHING',
      [userId],
    );
    const rows = await this.db.rows<{ usage_bytes: string }>(
      'SELECT usage_bytes FROM user_usage WHERE user_id = $1 FOR UPDATE',
      [userId],
    );
    return Number(rows[0]?.usage_bytes ?? 0);
  }

  async set(userId: string, bytes: number): Promise<void> {
    await this.db.execute('UPDATE user_usage SET usage_bytes = $2 WHERE user_id = $1', [userId, bytes]);
  }

  async subtract(userId: string, bytes: number): Promise<void> {
    if (bytes === 0) return;
    await this.db.execute('UPDATE user_usage SET usage_bytes = usage_bytes - $2 WHERE user_id = $1', [
      userId,
      bytes,
    ]);
  }
}
