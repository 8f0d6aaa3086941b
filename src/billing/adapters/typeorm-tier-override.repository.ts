import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { Tier } from '../../config/app-config';
import { TransactionHost } from '../../database/transaction-host';
import { TierOverrideRepository } from '../ports/tier-override.repository';
import { TierOverrideEntity } from './entities/tier-override.entity';
import { toTier } from './subscription.mapper';

@Injectable()
export class TypeOrmTierOverrideRepository extends TierOverrideRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get repo() {
    return this.tx.manager.getRepository(TierOverrideEntity);
  }

  async find(userId: string): Promise<Tier | null> {
    const e = await this.repo.findOneBy({ userId });
    return e ? toTier(e.tier) : null;
  }

  async findMany(userIds: string[]): Promise<Map<string, Tier>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.repo.findBy({ userId: In(userIds) });
    return new Map(rows.map((e) => [e.userId, toTier(e.tier)]));
  }

  async set(userId: string, tier: Tier | null): Promise<void> {
    if (tier === null) {
      await this.repo.delete({ userId });
      return;
    }
    await this.tx.manager.query(
      `INSERT INTO tier_overrides (user_id, tier) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET tier = EXCLUDED.tier, set_at = now()`,
      [userId, tier],
    );
  }
}
