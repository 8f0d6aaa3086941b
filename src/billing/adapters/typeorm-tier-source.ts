import { Injectable } from '@nestjs/common';
import { TIERS, Tier } from '../../config/app-config';
import { TransactionHost } from '../../database/transaction-host';
import { TierSource } from '../ports/tier-source';

/** Until subscriptions exist, the effective tier is the user's tier column (default free). */
@Injectable()
export class TypeOrmTierSource extends TierSource {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  async effectiveTierOf(userId: string): Promise<Tier> {
    const rows: { tier: string }[] = await this.tx.manager.query('SELECT tier FROM users WHERE id = $1', [userId]);
    const tier = rows[0]?.tier as Tier | undefined;
    return tier && TIERS.includes(tier) ? tier : 'free';
  }
}
