import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { BadSignature } from '../billing.errors';
import { StripePaymentProvider } from './stripe-payment-provider';

const config = {
  secretKey: 'sk_test_unit',
  webhookSecret: 'whsec_unit',
  prices: { pro: 'price_pro', team: 'price_team' },
  successUrl: 'https://app.example.test/ok',
  cancelUrl: 'https://app.example.test/cancel',
};
const provider = new StripePaymentProvider(config);
const signer = new Stripe(config.secretKey);

function signed(type: string, object: Record<string, unknown>, created = 1_760_000_000) {
  const payload = JSON.stringify({ id: 'evt_1', object: 'event', type, created, data: { object } });
  return { payload: Buffer.from(payload), signature: signer.webhooks.generateTestHeaderString({ payload, secret: config.webhookSecret }) };
}

describe('StripePaymentProvider.parseWebhook', () => {
  it('refuses a genuinely signed body that is not an event (no id, no object) with 400, naming the fields', () => {
    const payload = JSON.stringify({ object: 'event', type: 'invoice.payment_failed', created: 1_760_000_000, data: {} });
    const signature = signer.webhooks.generateTestHeaderString({ payload, secret: config.webhookSecret });
    expect(() => provider.parseWebhook(Buffer.from(payload), signature)).toThrow(
      expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'id' }), expect.objectContaining({ field: 'data.object' })] }),
    );
  });

  it('reads a subscription: tier from the configured price, period end from its items', () => {
    const { payload, signature } = signed('customer.subscription.updated', {
      id: 'sub_1',
      customer: 'cus_1',
      status: 'active',
      metadata: { userId: '0b6e4d6c-5a43-4c4e-9d1b-2f0a9f1c2d3e' },
      items: { data: [{ price: { id: 'price_team' }, current_period_end: 1_762_000_000 }] },
    });
    expect(provider.parseWebhook(payload, signature)).toEqual({
      id: 'evt_1',
      type: 'customer.subscription.updated',
      createdAt: new Date(1_760_000_000_000),
      kind: 'subscription-changed',
      subscriptionId: 'sub_1',
      customerId: 'cus_1',
      userId: '0b6e4d6c-5a43-4c4e-9d1b-2f0a9f1c2d3e',
      tier: 'team',
      status: 'active',
      currentPeriodEnd: new Date(1_762_000_000_000),
    });
  });

  it('reads the shapes of older API versions: period end on the subscription, subscription on the invoice', () => {
    const sub = signed('customer.subscription.created', {
      id: 'sub_2',
      customer: { id: 'cus_2' },
      status: 'trialing',
      metadata: { tier: 'pro', userId: 'not-a-uuid' },
      current_period_end: 1_763_000_000,
      items: { data: [{ price: { id: 'price_elsewhere' } }] },
    });
    expect(provider.parseWebhook(sub.payload, sub.signature)).toMatchObject({
      customerId: 'cus_2',
      userId: null,
      tier: 'pro',
      currentPeriodEnd: new Date(1_763_000_000_000),
    });
    const invoice = signed('invoice.payment_failed', { id: 'in_1', customer: 'cus_2', subscription: 'sub_2' });
    expect(provider.parseWebhook(invoice.payload, invoice.signature)).toMatchObject({
      kind: 'payment-failed',
      subscriptionId: 'sub_2',
      customerId: 'cus_2',
    });
  });

  it('refuses anything that does not verify', () => {
    const { payload, signature } = signed('customer.created', { id: 'cus_3' });
    expect(() => provider.parseWebhook(payload, undefined)).toThrow(BadSignature);
    expect(() => provider.parseWebhook(Buffer.concat([payload, Buffer.from(' ')]), signature)).toThrow(BadSignature);
    expect(() => provider.parseWebhook(Buffer.alloc(0), signature)).toThrow(BadSignature);
    expect(provider.parseWebhook(payload, signature)).toMatchObject({ kind: 'ignored', type: 'customer.created' });
  });
});
