import { Injectable } from '@nestjs/common';
import type { Tier } from '../../config/app-config';
import { SqlClient } from '../../database/sql-client';
import { TierOverrideRepository } from '../ports/tier-override.repository';
import { toTier } from './subscription.mapper';

/** tier_overrides rows are (user_id, tier, set_at); only the tier is ever read. */
@Injectable()
export class TypeOrmTierOverrideRepository extends TierOverrideRepository {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async find(userId: string): Promise<Tier | null> {
    const row = await this.db.row<{ tier: string }>('SELECT tier FROM tier_overrides WHERE user_id = $1', [userId]);
    return row ? toTier(row.tier) : null;
  }

  async findMany(userIds: string[]): Promise<Map<string, Tier>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.rows<{ user_id: string; tier: string }>(
      'SELECT user_id, tier FROM tier_overrides WHERE user_id = ANY($1::uuid[])',
      [userIds],
    );
    return new Map(rows.map((r) => [r.user_id, toTier(r.tier)]));
  }

  async set(userId: string, tier: Tier | null): Promise<void> {
    if (tier === null) {
      await this.db.execute('DELETE FROM tier_overrides WHERE user_id = $1', [userId]);
      return;
    }
    await this.db.execute(
      `INSERT INTO tier_overrides (user_id, tier) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET tier = EXCLUDED.tier, set_at = now()`,
      [userId, tier],
    );
  }
}
