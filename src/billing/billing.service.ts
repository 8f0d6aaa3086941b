import { Injectable } from '@nestjs/common';
import { AppConfig, Tier } from '../config/app-config';
import { UsageLedger } from '../storage/ports/usage-ledger';
import { AlreadySubscribed } from './billing.errors';
import { currentSubscription, effectiveTier, isEntitled } from './domain/entitlement';
import type { PaidTier, Subscription } from './domain/subscription';
import { PaymentProvider } from './ports/payment-provider';
import { SubscriptionRepository } from './ports/subscription.repository';
import { TierOverrideRepository } from './ports/tier-override.repository';

/** A user's billing state as the API and the admin console show it. */
export interface BillingAccount {
  /** The subscription that grants the tier, else the one that changed last; null for none. */
  subscription: Subscription | null;
  tierOverride: Tier | null;
  effectiveTier: Tier;
  usageBytes: number;
  limitBytes: number;
}

/** Subscriptions, checkouts and tier overrides; the webhook side is BillingWebhookService. */
@Injectable()
export class BillingService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly overrides: TierOverrideRepository,
    private readonly usage: UsageLedger,
    private readonly payments: PaymentProvider,
    private readonly config: AppConfig,
  ) {}

  async accountOf(userId: string): Promise<BillingAccount> {
    const subscriptions = await this.subscriptions.listForUser(userId);
    const tierOverride = await this.overrides.find(userId);
    const now = new Date();
    const tier = effectiveTier(tierOverride, subscriptions, now, this.config.billing.graceDays);
    return {
      subscription: currentSubscription(subscriptions, now, this.config.billing.graceDays),
      tierOverride,
      effectiveTier: tier,
      usageBytes: await this.usage.usageOf(userId),
      limitBytes: this.config.tiers[tier].storageLimitBytes,
    };
  }

  /** A hosted checkout for `tier`. Refused while a subscription already bills the user. */
  async checkout(userId: string, tier: PaidTier): Promise<{ url: string }> {
    const now = new Date();
    const billing = (await this.subscriptions.listForUser(userId)).find((s) =>
      isEntitled(s, now, this.config.billing.graceDays),
    );
    if (billing) throw new AlreadySubscribed(billing.tier);
    const customerId = (await this.subscriptions.customerOfUser(userId)) ?? null;
    return this.payments.createCheckout({ userId, tier, customerId });
  }

  overrideOf(userId: string): Promise<Tier | null> {
    return this.overrides.find(userId);
  }

  /** Null removes the override; joins the caller's transaction. */
  setOverride(userId: string, tier: Tier | null): Promise<void> {
    return this.overrides.set(userId, tier);
  }
}
