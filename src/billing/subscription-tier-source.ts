import { Injectable } from '@nestjs/common';
import { AppConfig, Tier } from '../config/app-config';
import { effectiveTier } from './domain/entitlement';
import type { Subscription } from './domain/subscription';
import { SubscriptionRepository } from './ports/subscription.repository';
import { TierOverrideRepository } from './ports/tier-override.repository';
import { TierSource } from './ports/tier-source';

/** The effective tier: an admin override, else an entitled subscription's tier, else free. */
@Injectable()
export class SubscriptionTierSource extends TierSource {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly overrides: TierOverrideRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async effectiveTierOf(userId: string): Promise<Tier> {
    const [override, subscriptions] = await Promise.all([
      this.overrides.find(userId),
      this.subscriptions.listForUser(userId),
    ]);
    return effectiveTier(override, subscriptions, new Date(), this.config.billing.graceDays);
  }

  async effectiveTiersOf(userIds: string[]): Promise<Map<string, Tier>> {
    const overrides = await this.overrides.findMany(userIds);
    const subscriptions = await this.subscriptions.listForUsers(userIds);
    const byUser = new Map<string, Subscription[]>();
    for (const s of subscriptions) if (s.userId) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
    const now = new Date();
    return new Map(
      userIds.map((id) => [
        id,
        effectiveTier(overrides.get(id) ?? null, byUser.get(id) ?? [], now, this.config.billing.graceDays),
      ]),
    );
  }
}
