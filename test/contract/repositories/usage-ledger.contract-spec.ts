import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactionRequired } from '../../../src/database/unit-of-work';
import { TypeOrmUsageLedger } from '../../../src/storage/adapters/typeorm-usage-ledger';
import { UsageLedger } from '../../../src/storage/ports/usage-ledger';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

describe('UsageLedger contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let usage: UsageLedger;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: UsageLedger, useClass: TypeOrmUsageLedger }]);
    usage = h.app.get(UsageLedger);
  });
  afterAll(() => h?.close());

  it('counts from zero, adds up to the limit and refuses past it, reporting the counter as found', async () => {
    const user = await h.newUser();
    expect(await usage.usageOf(user)).toBe(0);
    expect(await usage.tryAdd(user, 600, 1000)).toEqual({ ok: true, usageBytes: 600 });
    expect(await usage.tryAdd(user, 401, 1000)).toEqual({ ok: false, usageBytes: 600 });
    expect(await usage.tryAdd(user, 400, 1000)).toEqual({ ok: true, usageBytes: 1000 });
    await usage.subtract(user, 250);
    expect(await usage.usageOf(user)).toBe(750);
  });

  it('subtracts down to 0 and no further (a counter from before the charges may hold less than is given back)', async () => {
    const user = await h.newUser();
    expect(await usage.tryAdd(user, 100, 1000)).toEqual({ ok: true, usageBytes: 100 });
    await usage.subtract(user, 1124);
    expect(await usage.usageOf(user)).toBe(0);
  });

  it('never lets concurrent adds pass the limit together', async () => {
    const user = await h.newUser();
    const results = await Promise.all(Array.from({ length: 20 }, () => usage.tryAdd(user, 100, 1000)));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(await usage.usageOf(user)).toBe(1000);
  });

  it('locks and overwrites a counter only inside a transaction', async () => {
    const user = await h.newUser();
    await expect(usage.lock(user)).rejects.toBeInstanceOf(TransactionRequired);
    await h.uow.run(async () => {
      expect(await usage.lock(user)).toBe(0);
      await usage.set(user, 4242);
    });
    expect(await usage.usageOf(user)).toBe(4242);
  });

  it('reserves within the limit and the in-flight count, refusing with the reason and the counters as found', async () => {
    const user = await h.newUser();
    const limit = { limitBytes: 1000, maxInFlight: 2, ttlS: 60 };
    const first = await usage.reserve(user, 600, limit);
    expect(first).toMatchObject({ ok: true });
    expect(await usage.reserve(user, 500, limit)).toEqual({ ok: false, reason: 'quota', usageBytes: 0, reservedBytes: 600 });
    expect(await usage.reserve(user, 400, limit)).toMatchObject({ ok: true });
    expect(await usage.reserve(user, 1, { ...limit, limitBytes: 10_000 })).toMatchObject({ ok: false, reason: 'uploads' });
    // Reserved bytes count against a plain charge too.
    expect(await usage.tryAdd(user, 1, 1000)).toEqual({ ok: false, usageBytes: 0 });
  });

  it('settles a reservation into stored bytes only inside a transaction, once, and releases a held one', async () => {
    const user = await h.newUser();
    const limit = { limitBytes: 1000, maxInFlight: 4, ttlS: 60 };
    const kept = await usage.reserve(user, 300, limit);
    const dropped = await usage.reserve(user, 500, limit);
    if (!kept.ok || !dropped.ok) throw new Error('reservations refused');
    await expect(usage.settle(kept.id, user, 300, 1000)).rejects.toBeInstanceOf(TransactionRequired);
    expect(await h.uow.run(() => usage.settle(kept.id, user, 300, 1000))).toEqual({ ok: true, usageBytes: 300 });
    await usage.release(dropped.id);
    // Both ended: the whole limit but the settled bytes is free again, and a second release changes nothing.
    await usage.release(dropped.id);
    expect(await usage.reserve(user, 700, limit)).toMatchObject({ ok: true });
    expect(await usage.usageOf(user)).toBe(300);
  });

  it('ends expired reservations, giving their bytes and in-flight slots back', async () => {
    const user = await h.newUser();
    const held = await usage.reserve(user, 900, { limitBytes: 1000, maxInFlight: 1, ttlS: 60 });
    expect(held).toMatchObject({ ok: true });
    await h.db.pool.query("UPDATE upload_reservations SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user]);
    expect(await usage.purgeExpiredReservations()).toBeGreaterThanOrEqual(1);
    expect(await usage.reserve(user, 1000, { limitBytes: 1000, maxInFlight: 1, ttlS: 60 })).toMatchObject({ ok: true });
  });

  describe('reserveUnderPlan: the plan decided in the reservation\'s statement', () => {
    const rule = (now = new Date()) => ({
      limitBytesByTier: { free: 1000, pro: 5000, team: 20_000 },
      graceDays: 7,
      now,
      maxInFlight: 2,
      ttlS: 60,
    });

    it('judges by the effective tier\'s limit and answers the tier, reservation or refusal alike', async () => {
      const user = await h.newUser();
      expect(await usage.reserveUnderPlan(user, 800, rule())).toMatchObject({ ok: true, tier: 'free' });
      expect(await usage.reserveUnderPlan(user, 800, rule())).toEqual({ ok: false, reason: 'quota', usageBytes: 0, reservedBytes: 800, tier: 'free' });
      await h.db.pool.query("INSERT INTO tier_overrides (user_id, tier) VALUES ($1, 'pro')", [user]);
      expect(await usage.reserveUnderPlan(user, 800, rule())).toMatchObject({ ok: true, tier: 'pro' });
      expect(await usage.reserveUnderPlan(user, 1, rule())).toMatchObject({ ok: false, reason: 'uploads', tier: 'pro' });
    });

    it('takes an entitled subscription\'s tier, and a past-due one only within the grace period at the time given', async () => {
      const user = await h.newUser();
      await h.db.pool.query(
        `INSERT INTO subscriptions (provider_subscription_id, user_id, provider_customer_id, tier, status, past_due_since)
         VALUES ($1, $2, $1, 'team', 'past_due', now() - interval '3 days')`,
        [`sub_${user}`, user],
      );
      expect(await usage.reserveUnderPlan(user, 10_000, rule())).toMatchObject({ ok: true, tier: 'team' });
      const later = new Date(Date.now() + 5 * 24 * 3600_000);
      expect(await usage.reserveUnderPlan(user, 10, rule(later))).toMatchObject({ ok: false, reason: 'quota', tier: 'free' });
    });

    it('makes the counter of a user who has none yet, as reserve does', async () => {
      const user = await h.newUser();
      expect(await h.db.pool.query('SELECT 1 FROM user_usage WHERE user_id = $1', [user])).toMatchObject({ rowCount: 0 });
      expect(await usage.reserveUnderPlan(user, 1000, rule())).toMatchObject({ ok: true, tier: 'free' });
      expect(await usage.reserveUnderPlan(user, 1, rule())).toEqual({ ok: false, reason: 'quota', usageBytes: 0, reservedBytes: 1000, tier: 'free' });
    });
  });
});
