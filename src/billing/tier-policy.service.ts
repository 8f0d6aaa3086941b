import { Injectable } from '@nestjs/common';
import { AppConfig, TIERS, TierPlan } from '../config/app-config';
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

  plans(): TierPlan[] {
    return TIERS.map((tier) => this.config.tiers[tier]);
  }
}
