import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmSubscriptionRepository } from '../../../src/billing/adapters/typeorm-subscription.repository';
import type { Subscription } from '../../../src/billing/domain/subscription';
import { SubscriptionRepository } from '../../../src/billing/ports/subscription.repository';
import { TransactionRequired } from '../../../src/database/unit-of-work';
import { holdOpen, repositoryHarness, RepositoryHarness } from './repository-harness';

const DAY_MS = 24 * 3600_000;
const subscriptionId = () => `sub_${randomUUID().replaceAll('-', '')}`;
const customerId = () => `cus_${randomUUID().replaceAll('-', '')}`;

function newSubscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    providerSubscriptionId: subscriptionId(),
    userId: null,
    providerCustomerId: customerId(),
    tier: 'pro',
    status: 'active',
    currentPeriodEnd: new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * DAY_MS),
    pastDueSince: null,
    lastEventAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    ...overrides,
  };
}

describe('SubscriptionRepository contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let subscriptions: SubscriptionRepository;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: SubscriptionRepository, useClass: TypeOrmSubscriptionRepository }]);
    subscriptions = h.app.get(SubscriptionRepository);
  });
  afterAll(() => h?.close());

  const read = (id: string) => h.uow.run(() => subscriptions.lock(id));

  it('reads a subscription exactly as saved under its lock, and undefined for an unknown one', async () => {
    const saved = newSubscription({ userId: await h.newUser(), status: 'past_due', pastDueSince: new Date('2026-01-02T03:04:05Z') });
    await subscriptions.save(saved);
    expect(await read(saved.providerSubscriptionId)).toEqual(saved);
    expect(await read(subscriptionId())).toBeUndefined();
  });

  it('refuses to lock outside a transaction', async () => {
    await expect(subscriptions.lock(subscriptionId())).rejects.toBeInstanceOf(TransactionRequired);
  });

  it('replaces every field of a saved subscription but its user', async () => {
    const user = await h.newUser();
    const first = newSubscription({ userId: user });
    await subscriptions.save(first);
    const next = newSubscription({
      providerSubscriptionId: first.providerSubscriptionId,
      userId: user,
      tier: 'team',
      status: 'canceled',
      currentPeriodEnd: null,
      lastEventAt: new Date(first.lastEventAt!.getTime() + 1000),
    });
    await subscriptions.save(next);
    expect(await read(first.providerSubscriptionId)).toEqual(next);
  });

  it('stores a user that names no account as null', async () => {
    const saved = newSubscription({ userId: randomUUID() });
    await subscriptions.save(saved);
    expect(await read(saved.providerSubscriptionId)).toEqual({ ...saved, userId: null });
  });

  it('never changes the user of a subscription once known: neither to null nor to another user', async () => {
    const user = await h.newUser();
    const saved = newSubscription({ userId: user });
    await subscriptions.save(saved);
    await subscriptions.save({ ...saved, userId: null, status: 'past_due' });
    expect(await read(saved.providerSubscriptionId)).toMatchObject({ userId: user, status: 'past_due' });
    await subscriptions.save({ ...saved, userId: await h.newUser(), status: 'canceled' });
    expect(await read(saved.providerSubscriptionId)).toMatchObject({ userId: user, status: 'canceled' });
  });

  it("lists a user's subscriptions, and only theirs, one user or many", async () => {
    const [a, b, c] = [await h.newUser(), await h.newUser(), await h.newUser()];
    const ofA = [newSubscription({ userId: a }), newSubscription({ userId: a, tier: 'team', status: 'canceled' })];
    const ofB = newSubscription({ userId: b });
    for (const s of [...ofA, ofB, newSubscription({ userId: c }), newSubscription()]) await subscriptions.save(s);
    const byId = (x: Subscription, y: Subscription) => x.providerSubscriptionId.localeCompare(y.providerSubscriptionId);
    expect((await subscriptions.listForUser(a)).sort(byId)).toEqual([...ofA].sort(byId));
    expect(await subscriptions.listForUser(await h.newUser())).toEqual([]);
    expect((await subscriptions.listForUsers([a, b, randomUUID()])).sort(byId)).toEqual([...ofA, ofB].sort(byId));
    expect(await subscriptions.listForUsers([])).toEqual([]);
  });

  it("gives a customer's unclaimed subscriptions to a user, and leaves claimed ones and other customers' alone", async () => {
    const [user, other] = [await h.newUser(), await h.newUser()];
    const customer = customerId();
    const unclaimed = newSubscription({ providerCustomerId: customer });
    const claimed = newSubscription({ providerCustomerId: customer, userId: other });
    const elsewhere = newSubscription();
    for (const s of [unclaimed, claimed, elsewhere]) await subscriptions.save(s);
    await subscriptions.claimForUser(customer, randomUUID());
    expect(await read(unclaimed.providerSubscriptionId)).toMatchObject({ userId: null });
    await subscriptions.claimForUser(customer, user);
    expect(await read(unclaimed.providerSubscriptionId)).toMatchObject({ userId: user });
    expect(await read(claimed.providerSubscriptionId)).toMatchObject({ userId: other });
    expect(await read(elsewhere.providerSubscriptionId)).toMatchObject({ userId: null });
  });

  it('links customers and users both ways; the newest link of a user or of a customer wins', async () => {
    const [user, other] = [await h.newUser(), await h.newUser()];
    const [first, second] = [customerId(), customerId()];
    expect(await subscriptions.customerOfUser(user)).toBeUndefined();
    expect(await subscriptions.userOfCustomer(first)).toBeUndefined();

    await subscriptions.linkCustomer(user, first);
    await subscriptions.linkCustomer(user, first);
    expect(await subscriptions.customerOfUser(user)).toBe(first);
    expect(await subscriptions.userOfCustomer(first)).toBe(user);

    await subscriptions.linkCustomer(user, second);
    expect(await subscriptions.customerOfUser(user)).toBe(second);
    expect(await subscriptions.userOfCustomer(first)).toBeUndefined();

    await subscriptions.linkCustomer(other, second);
    expect(await subscriptions.userOfCustomer(second)).toBe(other);
    expect(await subscriptions.customerOfUser(user)).toBeUndefined();
  });

  it('takes concurrent links of one customer to one user (two events of one checkout) as one', async () => {
    const user = await h.newUser();
    const customer = customerId();
    await Promise.all(Array.from({ length: 6 }, () => h.uow.run(() => subscriptions.linkCustomer(user, customer))));
    expect(await subscriptions.customerOfUser(user)).toBe(customer);
    expect(await subscriptions.userOfCustomer(customer)).toBe(user);
  });

  it('ignores a link to a user that does not exist, keeping the link the customer had', async () => {
    const user = await h.newUser();
    const customer = customerId();
    await subscriptions.linkCustomer(user, customer);
    await subscriptions.linkCustomer(randomUUID(), customer);
    expect(await subscriptions.userOfCustomer(customer)).toBe(user);
  });

  it('serialises writers of one subscription before its row exists: none loses another\'s write', async () => {
    const id = subscriptionId();
    const start = new Date('2026-01-01T00:00:00Z');
    await Promise.all(
      Array.from({ length: 8 }, () =>
        h.uow.run(async () => {
          const current = await subscriptions.lock(id);
          const end = current?.currentPeriodEnd ?? start;
          await subscriptions.save(newSubscription({ providerSubscriptionId: id, currentPeriodEnd: new Date(end.getTime() + DAY_MS) }));
        }),
      ),
    );
    expect((await read(id))?.currentPeriodEnd).toEqual(new Date(start.getTime() + 8 * DAY_MS));
  });

  it('holds the lock until the transaction ends, and only for that subscription', async () => {
    const id = subscriptionId();
    const holder = await holdOpen(h.uow, () => subscriptions.lock(id));
    const other = h.uow.run(() => subscriptions.lock(subscriptionId()));
    const otherWaited = await h.waitsForLock(other);
    const same = h.uow.run(() => subscriptions.lock(id));
    const sameWaited = await h.waitsForLock(same);
    holder.release();
    await Promise.all([holder.done, other, same]);
    expect(otherWaited).toBe(false);
    expect(sameWaited).toBe(true);
  });

  it("joins the caller's transaction: a save rolled back with it leaves nothing", async () => {
    const saved = newSubscription({ userId: await h.newUser() });
    const failure = new Error('rolled back');
    await expect(
      h.uow.run(async () => {
        await subscriptions.save(saved);
        await subscriptions.linkCustomer(saved.userId!, saved.providerCustomerId);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await read(saved.providerSubscriptionId)).toBeUndefined();
    expect(await subscriptions.userOfCustomer(saved.providerCustomerId)).toBeUndefined();
  });
});
