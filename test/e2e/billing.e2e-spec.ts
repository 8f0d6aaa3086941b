import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentProvider } from '../../src/billing/ports/payment-provider';
import { FakePaymentProvider, TEST_STRIPE_ENV } from '../fakes/fake-payment-provider';
import { Api, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { checkoutSession, failedInvoice, newId, SignedEvent, signedEvent, subscription } from '../utils/stripe-events';

const FREE_BYTES = 1000;
const PRO_BYTES = 5000;
const nowS = () => Math.floor(Date.now() / 1000);

interface SubscriptionBody {
  tier: string;
  effectiveTier: string;
  status: string;
  currentPeriodEnd: string | null;
  usageBytes: number;
  limitBytes: number;
}

describe('billing', () => {
  let t: TestApp;
  let api: Api;
  const payments = new FakePaymentProvider();

  beforeAll(async () => {
    t = await createTestApp({
      env: { ...TEST_STRIPE_ENV, FREE_STORAGE_BYTES: String(FREE_BYTES), PRO_STORAGE_BYTES: String(PRO_BYTES) },
      overrides: [{ provide: PaymentProvider, useValue: payments }],
    });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const deliver = (event: SignedEvent, signature = event.signature) =>
    api.request<{ received: boolean; applied: boolean; code?: string }>('POST', '/api/billing/webhook', {
      body: Buffer.from(event.payload),
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    });

  const subscriptionOf = (user: TestUser) =>
    api.request<SubscriptionBody>('GET', '/api/billing/subscription', { token: user.accessToken });

  /** A user whose pro subscription Stripe reported as a completed checkout and an active subscription. */
  async function subscribe(user: TestUser, tier: 'pro' | 'team' = 'pro') {
    const ids = { customer: newId('cus'), subscription: newId('sub') };
    expect((await deliver(signedEvent('checkout.session.completed', checkoutSession({ userId: user.userId, ...ids, tier })))).status).toBe(200);
    const created = signedEvent('customer.subscription.created', subscription({ id: ids.subscription, customer: ids.customer, status: 'active', tier }));
    expect((await deliver(created)).status).toBe(200);
    return ids;
  }

  const processedCount = async () =>
    Number((await t.db.pool.query('SELECT count(*) AS n FROM processed_billing_events')).rows[0].n);

  it('shows a new account on the free tier with its usage', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    await api.upload(user, map.id, randomBytes(300));
    const res = await subscriptionOf(user);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tier: 'free',
      effectiveTier: 'free',
      status: 'none',
      currentPeriodEnd: null,
      usageBytes: 300,
      limitBytes: FREE_BYTES,
    });
  });

  it('starts a checkout through the payment provider, reusing the customer of an earlier one', async () => {
    const user = await api.register();
    const res = await api.request<{ url: string }>('POST', '/api/billing/checkout', { token: user.accessToken, json: { tier: 'team' } });
    expect(res.status).toBe(201);
    expect(res.body.url).toMatch(/^https:\/\/checkout\.example\.test\//);
    expect(payments.checkouts.at(-1)).toEqual({ userId: user.userId, tier: 'team', customerId: null });

    const bad = await api.request('POST', '/api/billing/checkout', { token: user.accessToken, json: { tier: 'free' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');

    const { customer, subscription: sub } = await subscribe(user);
    const again = await api.request('POST', '/api/billing/checkout', { token: user.accessToken, json: { tier: 'team' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_SUBSCRIBED', tier: 'pro' });

    await deliver(signedEvent('customer.subscription.deleted', subscription({ id: sub, customer, status: 'canceled' }), { created: nowS() + 1 }));
    const later = await api.request('POST', '/api/billing/checkout', { token: user.accessToken, json: { tier: 'pro' } });
    expect(later.status).toBe(201);
    expect(payments.checkouts.at(-1)).toEqual({ userId: user.userId, tier: 'pro', customerId: customer });
  });

  it('refuses a bad signature with 400 BAD_SIGNATURE and changes nothing', async () => {
    const user = await api.register();
    const before = await processedCount();
    const ids = { customer: newId('cus'), subscription: newId('sub') };
    const forged = signedEvent('checkout.session.completed', checkoutSession({ userId: user.userId, ...ids }), {
      secret: 'whsec_someone_else',
    });
    const genuine = signedEvent('customer.subscription.created', subscription({ id: ids.subscription, customer: ids.customer, status: 'active', userId: user.userId }));
    const tampered = { ...genuine, payload: genuine.payload.replace('"active"', '"trialing"') };
    // Correctly signed, an hour ago: outside Stripe's replay tolerance.
    const stale = signedEvent('customer.subscription.created', subscription({ id: ids.subscription, customer: ids.customer, status: 'active', userId: user.userId }), { signedAt: nowS() - 3600 });

    for (const [event, signature] of [
      [forged, forged.signature],
      [tampered, tampered.signature],
      [genuine, 'not-a-signature'],
      [stale, stale.signature],
    ] as const) {
      const res = await deliver(event, signature);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BAD_SIGNATURE');
    }
    const unsigned = await api.request('POST', '/api/billing/webhook', {
      body: Buffer.from(genuine.payload),
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.code).toBe('BAD_SIGNATURE');

    expect(await processedCount()).toBe(before);
    const rows = await t.db.pool.query('SELECT 1 FROM subscriptions WHERE provider_subscription_id = $1', [ids.subscription]);
    expect(rows.rowCount).toBe(0);
    expect((await subscriptionOf(user)).body.effectiveTier).toBe('free');
  });

  it('applies a replayed event once', async () => {
    const user = await api.register();
    const { customer, subscription: sub } = await subscribe(user);
    const failed = signedEvent('invoice.payment_failed', failedInvoice({ customer, subscription: sub }), { created: nowS() + 5 });
    const first = await deliver(failed);
    expect(first.body).toEqual({ received: true, applied: true });
    const pastDueSince = (await t.db.pool.query('SELECT past_due_since FROM subscriptions WHERE provider_subscription_id = $1', [sub])).rows[0].past_due_since;

    // Paid again; then Stripe retries the old failure, re-signed at delivery time, as it does.
    await deliver(signedEvent('customer.subscription.updated', subscription({ id: sub, customer, status: 'active' }), { created: nowS() + 10 }));
    const replays = await Promise.all([1, 2, 3].map(() => deliver(signedEvent('invoice.payment_failed', failedInvoice({ customer, subscription: sub }), { id: failed.id, created: nowS() + 5 }))));
    for (const replay of replays) expect(replay.body).toEqual({ received: true, applied: false });

    const rows = await t.db.pool.query('SELECT count(*)::int AS n FROM processed_billing_events WHERE event_id = $1', [failed.id]);
    expect(rows.rows[0].n).toBe(1);
    expect(pastDueSince).not.toBeNull();
    expect((await subscriptionOf(user)).body).toMatchObject({ status: 'active', effectiveTier: 'pro' });
  });

  it('never lets an older event overwrite newer state', async () => {
    const user = await api.register();
    const ids = { customer: newId('cus'), subscription: newId('sub') };
    const t0 = nowS();
    const created = signedEvent('customer.subscription.created', subscription({ id: ids.subscription, customer: ids.customer, status: 'incomplete', userId: user.userId }), { created: t0 });
    const activated = signedEvent('customer.subscription.updated', subscription({ id: ids.subscription, customer: ids.customer, status: 'active', userId: user.userId }), { created: t0 + 10 });
    const canceled = signedEvent('customer.subscription.deleted', subscription({ id: ids.subscription, customer: ids.customer, status: 'canceled', userId: user.userId }), { created: t0 + 20 });

    // Delivered newest first: each older event arrives after the state it would undo.
    expect((await deliver(activated)).body.applied).toBe(true);
    expect((await subscriptionOf(user)).body).toMatchObject({ status: 'active', effectiveTier: 'pro' });
    await deliver(created);
    expect((await subscriptionOf(user)).body).toMatchObject({ status: 'active', effectiveTier: 'pro' });
    await deliver(canceled);
    const checkout = signedEvent('checkout.session.completed', checkoutSession({ userId: user.userId, ...ids }), { created: t0 + 5 });
    await deliver(checkout);
    expect((await subscriptionOf(user)).body).toMatchObject({ status: 'canceled', tier: 'pro', effectiveTier: 'free' });

    // Two events in the same second: the one further along the lifecycle wins in either order.
    const other = await api.register();
    const ids2 = { customer: newId('cus'), subscription: newId('sub') };
    const t1 = nowS();
    await deliver(signedEvent('customer.subscription.updated', subscription({ id: ids2.subscription, customer: ids2.customer, status: 'active', userId: other.userId }), { created: t1 }));
    await deliver(signedEvent('customer.subscription.created', subscription({ id: ids2.subscription, customer: ids2.customer, status: 'incomplete', userId: other.userId }), { created: t1 }));
    expect((await subscriptionOf(other)).body).toMatchObject({ status: 'active', effectiveTier: 'pro' });
  });

  it('links a subscription whose events arrive before the checkout that names its user', async () => {
    const user = await api.register();
    const ids = { customer: newId('cus'), subscription: newId('sub') };
    // No metadata: nothing in this event says whose it is.
    await deliver(signedEvent('customer.subscription.created', subscription({ id: ids.subscription, customer: ids.customer, status: 'active', tier: 'team' })));
    expect((await subscriptionOf(user)).body.effectiveTier).toBe('free');
    await deliver(signedEvent('checkout.session.completed', checkoutSession({ userId: user.userId, ...ids, tier: 'team' })));
    const res = await subscriptionOf(user);
    expect(res.body).toMatchObject({ tier: 'team', effectiveTier: 'team', status: 'active', limitBytes: t.config.tiers.team.storageLimitBytes });
    expect(res.body.currentPeriodEnd).not.toBeNull();
  });

  it('raises the limit at once on upgrade: a refused upload now succeeds', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    expect((await api.upload(user, map.id, randomBytes(800))).status).toBe(201);
    const refused = await api.upload(user, map.id, randomBytes(400));
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'STORAGE_QUOTA_EXCEEDED', tier: 'free', limitBytes: FREE_BYTES });

    await subscribe(user);
    const accepted = await api.upload(user, map.id, randomBytes(400));
    expect(accepted.status).toBe(201);
    expect((await subscriptionOf(user)).body).toMatchObject({ effectiveTier: 'pro', usageBytes: 1200, limitBytes: PRO_BYTES });
  });

  it('keeps every byte on a downgrade below usage but refuses uploads until usage fits', async () => {
    const user = await api.register();
    const { customer, subscription: sub } = await subscribe(user);
    const map = await api.createMap(user, { maxVersions: 10 });
    const contents = [randomBytes(900), randomBytes(900)];
    const saved = [];
    for (const bytes of contents) saved.push((await api.upload(user, map.id, bytes)).body.versionId);

    await deliver(signedEvent('customer.subscription.deleted', subscription({ id: sub, customer, status: 'canceled' }), { created: nowS() + 1 }));
    expect((await subscriptionOf(user)).body).toMatchObject({ effectiveTier: 'free', status: 'canceled', usageBytes: 1800, limitBytes: FREE_BYTES });
    for (const [i, versionId] of saved.entries()) {
      const res = await api.request('GET', `/api/mindmaps/${map.id}/blob?versionId=${versionId}`, { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as unknown as Buffer, contents[i])).toBe(0);
    }
    const refused = await api.upload(user, map.id, randomBytes(1));
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'STORAGE_QUOTA_EXCEEDED', tier: 'free', projectedBytes: 1801, limitBytes: FREE_BYTES });
    const rows = await t.db.pool.query('SELECT count(*)::int AS n FROM map_versions WHERE map_id = $1', [map.id]);
    expect(rows.rows[0].n).toBe(2);
  });

  it('keeps the tier of a past-due subscription for the grace period only', async () => {
    const user = await api.register();
    const { customer, subscription: sub } = await subscribe(user, 'team');
    await deliver(signedEvent('invoice.payment_failed', failedInvoice({ customer, subscription: sub }), { created: nowS() + 1 }));
    expect((await subscriptionOf(user)).body).toMatchObject({ status: 'past_due', effectiveTier: 'team' });

    // The first failed payment, moved back past the grace period (BILLING_GRACE_DAYS defaults to 7).
    await t.db.pool.query(`UPDATE subscriptions SET past_due_since = now() - interval '8 days' WHERE provider_subscription_id = $1`, [sub]);
    await deliver(signedEvent('customer.subscription.updated', subscription({ id: sub, customer, status: 'past_due', tier: 'team' }), { created: nowS() + 2 }));
    expect((await subscriptionOf(user)).body).toMatchObject({ status: 'past_due', tier: 'team', effectiveTier: 'free' });

    await deliver(signedEvent('customer.subscription.updated', subscription({ id: sub, customer, status: 'active', tier: 'team' }), { created: nowS() + 3 }));
    expect((await subscriptionOf(user)).body).toMatchObject({ status: 'active', effectiveTier: 'team' });
  });

  it('acknowledges verified events it does not act on', async () => {
    const res = await deliver(signedEvent('customer.created', { id: newId('cus'), object: 'customer' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, applied: true });
  });
});

describe('billing without a payment provider configured', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('answers 503 BILLING_NOT_CONFIGURED for checkout and webhook, and still reports the free tier', async () => {
    const user = await api.register();
    const checkout = await api.request('POST', '/api/billing/checkout', { token: user.accessToken, json: { tier: 'pro' } });
    expect(checkout.status).toBe(503);
    expect(checkout.body.code).toBe('BILLING_NOT_CONFIGURED');
    const event = signedEvent('customer.created', { id: newId('cus'), object: 'customer' });
    const webhook = await api.request('POST', '/api/billing/webhook', {
      body: Buffer.from(event.payload),
      headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
    });
    expect(webhook.status).toBe(503);
    expect(webhook.body.code).toBe('BILLING_NOT_CONFIGURED');
    expect((await api.request('GET', '/api/billing/subscription', { token: user.accessToken })).body).toMatchObject({ effectiveTier: 'free' });
  });

  it('needs a bearer token for the account routes', async () => {
    expect((await api.request('GET', '/api/billing/subscription')).status).toBe(401);
    expect((await api.request('POST', '/api/billing/checkout', { json: { tier: 'pro' } })).status).toBe(401);
  });
});
