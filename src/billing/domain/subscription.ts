import type { Tier } from '../../config/app-config';

export type PaidTier = Exclude<Tier, 'free'>;
export const PAID_TIERS: readonly PaidTier[] = ['pro', 'team'];

/**
 * The provider's subscription lifecycle (Stripe's names). Statuses a provider adds later are kept
 * as given and grant nothing.
 */
export type SubscriptionStatus =
  | 'incomplete'
  | 'incomplete_expired'
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'unpaid'
  | 'paused'
  | 'canceled'
  | (string & {});

export interface Subscription {
  providerSubscriptionId: string;
  /** Null while no event has yet named the user (events arrive in any order). */
  userId: string | null;
  providerCustomerId: string;
  tier: Tier;
  status: SubscriptionStatus;
  currentPeriodEnd: Date | null;
  /** When the first unpaid invoice of the current past-due spell was seen; null when not past due. */
  pastDueSince: Date | null;
  /**
   * `created` of the newest provider event that set this state; null while only a checkout
   * completion vouches for it, so that the subscription's own events always win over it.
   */
  lastEventAt: Date | null;
}
