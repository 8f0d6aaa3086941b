import { TIERS, Tier } from '../../config/app-config';
import type { Subscription, SubscriptionStatus } from './subscription';

const DAY_MS = 24 * 3600 * 1000;

/** Whether a subscription grants its tier at `now`; past-due ones keep it for `graceDays`. */
export function isEntitled(subscription: Subscription, now: Date, graceDays: number): boolean {
  switch (subscription.status) {
    case 'active':
    case 'trialing':
      return true;
    case 'past_due': {
      const since = subscription.pastDueSince ?? subscription.currentPeriodEnd ?? now;
      return now.getTime() < since.getTime() + graceDays * DAY_MS;
    }
    default:
      return false;
  }
}

/** The admin override if any, else the highest tier an entitled subscription grants, else free. */
export function effectiveTier(override: Tier | null, subscriptions: Subscription[], now: Date, graceDays: number): Tier {
  if (override) return override;
  return highestTier(subscriptions.filter((s) => isEntitled(s, now, graceDays)).map((s) => s.tier));
}

/**
 * The subscription to show a user: the entitled one with the highest tier, else the one whose
 * state changed last (a canceled or unpaid one explains why the tier is free).
 */
export function currentSubscription(subscriptions: Subscription[], now: Date, graceDays: number): Subscription | null {
  const entitled = subscriptions.filter((s) => isEntitled(s, now, graceDays));
  if (entitled.length > 0) return entitled.reduce((a, b) => (TIERS.indexOf(b.tier) > TIERS.indexOf(a.tier) ? b : a));
  return subscriptions.reduce<Subscription | null>(
    (latest, s) => (!latest || (s.lastEventAt?.getTime() ?? 0) > (latest.lastEventAt?.getTime() ?? 0) ? s : latest),
    null,
  );
}

function highestTier(tiers: Tier[]): Tier {
  return tiers.reduce<Tier>((best, t) => (TIERS.indexOf(t) > TIERS.indexOf(best) ? t : best), 'free');
}

/**
 * How far along its lifecycle a status is. Event times have one-second resolution, so two events
 * of one subscription can carry the same `created`; between those the further-along status wins.
 */
const LIFECYCLE_RANK: Record<string, number> = {
  incomplete: 0,
  trialing: 1,
  active: 2,
  past_due: 3,
  unpaid: 4,
  paused: 4,
  canceled: 5,
  incomplete_expired: 5,
};

/** A provider never revives these: once seen, no later-arriving event changes the status again. */
const TERMINAL: ReadonlySet<SubscriptionStatus> = new Set(['canceled', 'incomplete_expired']);

/**
 * Whether an event with `status` created at `createdAt` may replace the stored state: it must not
 * be older than the state (an older event never overwrites newer state), a tie goes to the
 * further-along status, and a terminal status is final.
 */
export function supersedes(current: Subscription, event: { createdAt: Date; status: SubscriptionStatus }): boolean {
  if (TERMINAL.has(current.status)) return false;
  if (current.lastEventAt === null) return true;
  const delta = event.createdAt.getTime() - current.lastEventAt.getTime();
  if (delta !== 0) return delta > 0;
  return (LIFECYCLE_RANK[event.status] ?? 0) >= (LIFECYCLE_RANK[current.status] ?? 0);
}
