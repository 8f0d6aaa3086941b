import { Injectable } from '@nestjs/common';
import { AppConfig, TIERS, Tier, TierPlan } from '../config/app-config';
import { TierSource } from './ports/tier-source';

/** What a user's plan allows, from the one tier configuration the quota and /plans share. */
@Injectable()
export class TierPolicy {
  constructor(
    private readonly config: AppConfig,
    private readonly source: TierSource,
  ) {}

  async planFor(userId: string): Promise<TierPlan> {
    return this.config.tiers[await this.source.effectiveTierOf(userId)];
  }

  /** Effective tiers of many users at once; every id gets an entry. */
  tiersOf(userIds: string[]): Promise<Map<string, Tier>> {
    return this.source.effectiveTiersOf(userIds);
  }

  plans(): TierPlan[] {
    return TIERS.map((tier) => this.config.tiers[tier]);
  }
}
