import { describe, expect, it } from 'vitest';
import { currentSubscription, effectiveTier, isEntitled, supersedes } from './entitlement';
import type { Subscription } from './subscription';

const DAY = 24 * 3600 * 1000;
const now = new Date('2026-06-15T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

function sub(overrides: Partial<Subscription> = {}): Subscription {
  return {
    providerSubscriptionId: 'sub_1',
    userId: 'u',
    providerCustomerId: 'cus_1',
    tier: 'pro',
    status: 'active',
    currentPeriodEnd: new Date(now.getTime() + 20 * DAY),
    pastDueSince: null,
    lastEventAt: ago(DAY),
    ...overrides,
  };
}

describe('effective tier', () => {
  it('is the override, else the highest entitled subscription, else free', () => {
    expect(effectiveTier(null, [], now, 7)).toBe('free');
    expect(effectiveTier(null, [sub(), sub({ tier: 'team', status: 'trialing' })], now, 7)).toBe('team');
    expect(effectiveTier('free', [sub({ tier: 'team' })], now, 7)).toBe('free');
    expect(effectiveTier('team', [], now, 7)).toBe('team');
  });

  it('keeps a past-due tier for the grace period after the first failed payment only', () => {
    expect(isEntitled(sub({ status: 'past_due', pastDueSince: ago(6 * DAY) }), now, 7)).toBe(true);
    expect(isEntitled(sub({ status: 'past_due', pastDueSince: ago(8 * DAY) }), now, 7)).toBe(false);
    expect(isEntitled(sub({ status: 'past_due', pastDueSince: ago(1) }), now, 0)).toBe(false);
  });

  it('grants nothing for canceled, unpaid, incomplete or unknown statuses', () => {
    for (const status of ['canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused', 'something_new']) {
      expect(effectiveTier(null, [sub({ status })], now, 7)).toBe('free');
    }
  });

  it('shows the entitled subscription, else the one that changed last', () => {
    const old = sub({ providerSubscriptionId: 'old', status: 'canceled', lastEventAt: ago(3 * DAY) });
    const recent = sub({ providerSubscriptionId: 'recent', status: 'canceled', lastEventAt: ago(DAY) });
    expect(currentSubscription([old, recent], now, 7)?.providerSubscriptionId).toBe('recent');
    const live = sub({ providerSubscriptionId: 'live', lastEventAt: ago(5 * DAY) });
    expect(currentSubscription([recent, live], now, 7)?.providerSubscriptionId).toBe('live');
    expect(currentSubscription([], now, 7)).toBeNull();
  });
});

describe('event order', () => {
  const state = sub({ status: 'active', lastEventAt: new Date(1000_000) });

  it('applies newer events and never older ones', () => {
    expect(supersedes(state, { createdAt: new Date(1001_000), status: 'past_due' })).toBe(true);
    expect(supersedes(state, { createdAt: new Date(999_000), status: 'canceled' })).toBe(false);
  });

  it('settles same-second events by how far along the lifecycle they are', () => {
    expect(supersedes(state, { createdAt: new Date(1000_000), status: 'incomplete' })).toBe(false);
    expect(supersedes(state, { createdAt: new Date(1000_000), status: 'active' })).toBe(true);
    expect(supersedes(state, { createdAt: new Date(1000_000), status: 'canceled' })).toBe(true);
  });

  it('treats a canceled subscription as final, and a checkout-only state as replaceable by any event', () => {
    expect(supersedes(sub({ status: 'canceled' }), { createdAt: new Date(now.getTime() + DAY), status: 'active' })).toBe(false);
    expect(supersedes(sub({ lastEventAt: null }), { createdAt: new Date(0), status: 'incomplete' })).toBe(true);
  });
});
