import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmSubscriptionRepository } from '../../../src/billing/adapters/typeorm-subscription.repository';
import { TypeOrmTierOverrideRepository } from '../../../src/billing/adapters/typeorm-tier-override.repository';
import type { Subscription } from '../../../src/billing/domain/subscription';
import { SubscriptionRepository } from '../../../src/billing/ports/subscription.repository';
import { TierOverrideRepository } from '../../../src/billing/ports/tier-override.repository';
import { TierSource } from '../../../src/billing/ports/tier-source';
import { SubscriptionTierSource } from '../../../src/billing/subscription-tier-source';
import { effectiveTierSql } from '../../../src/billing/adapters/effective-tier.sql';
import { toTier } from '../../../src/billing/adapters/subscription.mapper';
import { AppConfig } from '../../../src/config/app-config';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

const DAY_MS = 24 * 3600_000;

describe('TierSource contract: subscriptions and overrides on PostgreSQL', () => {
  let h: RepositoryHarness;
  let tiers: TierSource;
  let subscriptions: SubscriptionRepository;
  let overrides: TierOverrideRepository;
  let graceDays: number;

  beforeAll(async () => {
    h = await repositoryHarness([
      { provide: TierSource, useClass: SubscriptionTierSource },
      { provide: SubscriptionRepository, useClass: TypeOrmSubscriptionRepository },
      { provide: TierOverrideRepository, useClass: TypeOrmTierOverrideRepository },
    ]);
    tiers = h.app.get(TierSource);
    subscriptions = h.app.get(SubscriptionRepository);
    overrides = h.app.get(TierOverrideRepository);
    graceDays = h.app.get(AppConfig).billing.graceDays;
  });
  afterAll(() => h?.close());

  async function subscribe(userId: string | null, fields: Partial<Subscription>): Promise<void> {
    await subscriptions.save({
      providerSubscriptionId: `sub_${randomUUID()}`,
      userId,
      providerCustomerId: `cus_${randomUUID()}`,
      tier: 'pro',
      status: 'active',
      currentPeriodEnd: new Date(Date.now() + 30 * DAY_MS),
      pastDueSince: null,
      lastEventAt: new Date(),
      ...fields,
    });
  }

  /**
   * Both methods must agree, and so must effectiveTierSql (the same rule inside a statement, as an
   * upload's reservation judges by it); answers the single one after checking the others.
   */
  async function tierOf(userId: string): Promise<string> {
    const one = await tiers.effectiveTierOf(userId);
    expect(await tiers.effectiveTiersOf([userId])).toEqual(new Map([[userId, one]]));
    const { rows } = await h.db.pool.query<{ tier: string }>(
      `SELECT ${effectiveTierSql('$1::uuid', '$2::timestamptz', '$3::float8')} AS tier`,
      [userId, new Date(), graceDays * DAY_MS],
    );
    expect(toTier(rows[0].tier)).toBe(one);
    return one;
  }

  it('is free for a user with neither a subscription nor an override', async () => {
    expect(await tierOf(await h.newUser())).toBe('free');
  });

  it('grants the tier of an active or trialing subscription, the highest of several', async () => {
    const user = await h.newUser();
    await subscribe(user, { tier: 'pro', status: 'trialing' });
    expect(await tierOf(user)).toBe('pro');
    await subscribe(user, { tier: 'team', status: 'active' });
    await subscribe(user, { tier: 'pro', status: 'active' });
    expect(await tierOf(user)).toBe('team');
  });

  it('grants nothing for a subscription that ended or was never paid', async () => {
    const user = await h.newUser();
    for (const status of ['canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused', 'some_future_status']) {
      await subscribe(user, { tier: 'team', status });
    }
    expect(await tierOf(user)).toBe('free');
  });

  it('keeps a past-due subscription\'s tier for the grace period, and not after it', async () => {
    const [within, beyond] = [await h.newUser(), await h.newUser()];
    await subscribe(within, { status: 'past_due', pastDueSince: new Date(Date.now() - (graceDays * DAY_MS) / 2) });
    await subscribe(beyond, { status: 'past_due', pastDueSince: new Date(Date.now() - graceDays * DAY_MS - 60_000) });
    expect(await tierOf(within)).toBe('pro');
    expect(await tierOf(beyond)).toBe('free');
  });

  it('counts a past-due grace from the period end when the past-due time is unknown, and from now without either', async () => {
    const [within, beyond, neither] = [await h.newUser(), await h.newUser(), await h.newUser()];
    await subscribe(within, { status: 'past_due', pastDueSince: null, currentPeriodEnd: new Date(Date.now() - (graceDays * DAY_MS) / 2) });
    await subscribe(beyond, { status: 'past_due', pastDueSince: null, currentPeriodEnd: new Date(Date.now() - graceDays * DAY_MS - 60_000) });
    await subscribe(neither, { status: 'past_due', pastDueSince: null, currentPeriodEnd: null });
    expect(await tierOf(within)).toBe('pro');
    expect(await tierOf(beyond)).toBe('free');
    expect(await tierOf(neither)).toBe(graceDays > 0 ? 'pro' : 'free');
  });

  it('lets an override win over any subscription, free included, until it is removed', async () => {
    const user = await h.newUser();
    await subscribe(user, { tier: 'team' });
    await overrides.set(user, 'free');
    expect(await tierOf(user)).toBe('free');
    await overrides.set(user, 'pro');
    expect(await tierOf(user)).toBe('pro');
    await overrides.set(user, null);
    expect(await tierOf(user)).toBe('team');
  });

  it('counts no subscription that names no user yet', async () => {
    const user = await h.newUser();
    const customer = `cus_${randomUUID()}`;
    await subscribe(null, { providerCustomerId: customer, tier: 'team' });
    expect(await tierOf(user)).toBe('free');
    await subscriptions.claimForUser(customer, user);
    expect(await tierOf(user)).toBe('team');
  });

  it('answers many users at once with an entry for every id asked, unknown ones free', async () => {
    const [paid, overridden, plain] = [await h.newUser(), await h.newUser(), await h.newUser()];
    const unknown = randomUUID();
    await subscribe(paid, { tier: 'team' });
    await overrides.set(overridden, 'pro');
    expect(await tiers.effectiveTiersOf([paid, overridden, plain, unknown])).toEqual(
      new Map([
        [paid, 'team'],
        [overridden, 'pro'],
        [plain, 'free'],
        [unknown, 'free'],
      ]),
    );
    for (const id of [paid, overridden, plain, unknown]) await tierOf(id);
    expect(await tiers.effectiveTiersOf([])).toEqual(new Map());
  });
});
