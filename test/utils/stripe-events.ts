import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { TEST_STRIPE_ENV } from '../fakes/fake-payment-provider';

/** Stripe-shaped webhook payloads, signed the way Stripe signs them (offline). */
const stripe = new Stripe(TEST_STRIPE_ENV.STRIPE_SECRET_KEY);

export const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const nowS = () => Math.floor(Date.now() / 1000);

export interface SignedEvent {
  id: string;
  payload: string;
  signature: string;
}

/** An event as Stripe sends it; `created` in Unix seconds decides the order billing applies events in. */
export function signedEvent(
  type: string,
  object: Record<string, unknown>,
  options: { id?: string; created?: number; secret?: string; signedAt?: number } = {},
): SignedEvent {
  const id = options.id ?? newId('evt');
  const payload = JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: options.created ?? nowS(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  const signature = stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? TEST_STRIPE_ENV.STRIPE_WEBHOOK_SECRET,
    ...(options.signedAt !== undefined ? { timestamp: options.signedAt } : {}),
  });
  return { id, payload, signature };
}

export function checkoutSession(o: { userId: string; customer: string; subscription: string; tier?: string }) {
  return {
    id: newId('cs'),
    object: 'checkout.session',
    mode: 'subscription',
    client_reference_id: o.userId,
    customer: o.customer,
    subscription: o.subscription,
    payment_status: 'paid',
    status: 'complete',
    metadata: { userId: o.userId, tier: o.tier ?? 'pro' },
  };
}

export function subscription(o: {
  id: string;
  customer: string;
  status: string;
  tier?: 'pro' | 'team';
  userId?: string;
  periodEnd?: number;
}) {
  const price = o.tier === 'team' ? TEST_STRIPE_ENV.STRIPE_PRICE_TEAM : TEST_STRIPE_ENV.STRIPE_PRICE_PRO;
  return {
    id: o.id,
    object: 'subscription',
    customer: o.customer,
    status: o.status,
    metadata: o.userId ? { userId: o.userId, tier: o.tier ?? 'pro' } : {},
    items: {
      object: 'list',
      data: [
        {
          id: newId('si'),
          object: 'subscription_item',
          price: { id: price, object: 'price' },
          current_period_start: nowS(),
          current_period_end: o.periodEnd ?? nowS() + 30 * 24 * 3600,
        },
      ],
    },
  };
}

export function failedInvoice(o: { customer: string; subscription: string }) {
  return {
    id: newId('in'),
    object: 'invoice',
    customer: o.customer,
    status: 'open',
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: o.subscription, metadata: {} } },
  };
}
