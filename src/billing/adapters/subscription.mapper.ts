import { TIERS, Tier } from '../../config/app-config';
import type { Subscription } from '../domain/subscription';

/** A subscriptions row as `pg` returns it. */
export interface SubscriptionRow {
  provider_subscription_id: string;
  user_id: string | null;
  provider_customer_id: string;
  tier: string;
  status: string;
  current_period_end: Date | null;
  past_due_since: Date | null;
  last_event_at: Date | null;
}

export const SUBSCRIPTION_COLUMNS =
  'provider_subscription_id, user_id, provider_customer_id, tier, status, current_period_end, past_due_since, last_event_at';

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    providerSubscriptionId: r.provider_subscription_id,
    userId: r.user_id,
    providerCustomerId: r.provider_customer_id,
    tier: toTier(r.tier),
    status: r.status,
    currentPeriodEnd: r.current_period_end,
    pastDueSince: r.past_due_since,
    lastEventAt: r.last_event_at,
  };
}

/** The column's CHECK constraint allows only tiers; anything else would be a schema bug. */
export function toTier(value: string): Tier {
  return (TIERS as readonly string[]).includes(value) ? (value as Tier) : 'free';
}
