import { TIERS, Tier } from '../../config/app-config';
import type { Subscription } from '../domain/subscription';
import { SubscriptionEntity } from './entities/subscription.entity';

export function toSubscription(e: SubscriptionEntity): Subscription {
  return {
    providerSubscriptionId: e.providerSubscriptionId,
    userId: e.userId,
    providerCustomerId: e.providerCustomerId,
    tier: toTier(e.tier),
    status: e.status,
    currentPeriodEnd: e.currentPeriodEnd,
    pastDueSince: e.pastDueSince,
    lastEventAt: e.lastEventAt,
  };
}

/** The column's CHECK constraint allows only tiers; anything else would be a schema bug. */
export function toTier(value: string): Tier {
  return (TIERS as readonly string[]).includes(value) ? (value as Tier) : 'free';
}
