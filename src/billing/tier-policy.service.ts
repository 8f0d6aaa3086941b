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

  /** A tier's plan. */
  plan(tier: Tier): TierPlan {
    return this.config.tiers[tier];
  }

  /**
   * What a statement needs to judge by a user's plan itself (UsageLedger.reserveUnderPlan): each
   * tier's storage limit and the billing grace period, with the time to judge at.
   */
  storageRule(now = new Date()): { limitBytesByTier: Record<Tier, number>; graceDays: number; now: Date } {
    const limitBytesByTier = Object.fromEntries(TIERS.map((tier) => [tier, this.config.tiers[tier].storageLimitBytes])) as Record<Tier, number>;
    return { limitBytesByTier, graceDays: this.config.billing.graceDays, now };
  }

  /** Effective tiers of many users at once; every id gets an entry. */
  tiersOf(userIds: string[]): Promise<Map<string, Tier>> {
    return this.source.effectiveTiersOf(userIds);
  }

  plans(): TierPlan[] {
    return TIERS.map((tier) => this.config.tiers[tier]);
  }
}
