import Stripe from 'stripe';
import { TIERS, Tier } from '../../config/app-config';
import type { StripeConfig } from '../../config/app-config';
import { ValidationFailed } from '../../common/errors/common.errors';
import { BadSignature, PaymentProviderError } from '../billing.errors';
import type { BillingEvent } from '../domain/billing-event';
import { CheckoutRequest, PaymentProvider } from '../ports/payment-provider';

/** In ms: a checkout is created while the user waits. */
const REQUEST_TIMEOUT_MS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Stripe Checkout for subscriptions, and Stripe's signed webhook events.
 *
 * Events are read defensively: the webhook endpoint's API version decides the payload's shape, so
 * fields that moved between versions (a subscription's period end, an invoice's subscription) are
 * looked for in both places.
 */
export class StripePaymentProvider extends PaymentProvider {
  private readonly stripe: Stripe;

  /** `endpoint`: where Stripe's API is reached; Stripe's own unless given (a local stub, in tests). */
  constructor(
    private readonly config: StripeConfig,
    endpoint?: { host: string; port: number; protocol: 'http' | 'https' },
  ) {
    super();
    this.stripe = new Stripe(config.secretKey, { timeout: REQUEST_TIMEOUT_MS, maxNetworkRetries: 1, telemetry: false, ...endpoint });
  }

  async createCheckout(request: CheckoutRequest): Promise<{ url: string }> {
    const metadata = { userId: request.userId, tier: request.tier };
    let session: Stripe.Checkout.Session;
    try {
      session = await this.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: this.config.prices[request.tier], quantity: 1 }],
        client_reference_id: request.userId,
        ...(request.customerId ? { customer: request.customerId } : {}),
        metadata,
        // Copied onto the subscription, so its own events name the user even if they arrive first.
        subscription_data: { metadata },
        success_url: this.config.successUrl,
        cancel_url: this.config.cancelUrl,
      });
    } catch (error) {
      throw new PaymentProviderError(error);
    }
    if (!session.url) throw new PaymentProviderError(new Error(`checkout session ${session.id} has no url`));
    return { url: session.url };
  }

  async cancelSubscription(providerSubscriptionId: string): Promise<void> {
    try {
      await this.stripe.subscriptions.cancel(providerSubscriptionId);
    } catch (error) {
      // Already gone (deleted, or cancelled before and since purged): nothing is left to bill.
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') return;
      throw new PaymentProviderError(error);
    }
  }

  parseWebhook(payload: Buffer, signature: string | undefined): BillingEvent {
    if (!signature) throw new BadSignature();
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(payload, signature, this.config.webhookSecret);
    } catch {
      throw new BadSignature();
    }
    assertWellFormed(event);
    const base = { id: event.id, type: event.type, createdAt: fromUnix(event.created) ?? new Date() };
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = event.data.object;
        return {
          ...base,
          kind: 'checkout-completed',
          userId: asUuid(session.client_reference_id) ?? asUuid(session.metadata?.userId),
          customerId: idOf(session.customer),
          subscriptionId: idOf(session.subscription),
          tier: asTier(session.metadata?.tier),
          paid: session.payment_status === 'paid' || session.payment_status === 'no_payment_required',
        };
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const subscription = event.data.object;
        const customerId = idOf(subscription.customer);
        if (!customerId) return { ...base, kind: 'ignored' };
        return {
          ...base,
          kind: 'subscription-changed',
          subscriptionId: subscription.id,
          customerId,
          userId: asUuid(subscription.metadata?.userId),
          tier: this.tierOf(subscription),
          status: subscription.status,
          currentPeriodEnd: periodEndOf(subscription),
        };
      }
      case 'invoice.payment_failed': {
        const invoice = event.data.object;
        return {
          ...base,
          kind: 'payment-failed',
          subscriptionId: subscriptionOfInvoice(invoice),
          customerId: idOf(invoice.customer),
        };
      }
      default:
        return { ...base, kind: 'ignored' };
    }
  }

  /** The tier whose configured price the subscription bills, else the tier its metadata names. */
  private tierOf(subscription: Stripe.Subscription): Tier | null {
    for (const item of subscription.items?.data ?? []) {
      const priceId = item.price?.id;
      for (const tier of ['pro', 'team'] as const) if (priceId === this.config.prices[tier]) return tier;
    }
    return asTier(subscription.metadata?.tier);
  }
}

function fromUnix(seconds: unknown): Date | null {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : null;
}

/** Longest event id kept (Stripe's are about 30 characters). */
const MAX_EVENT_ID_LENGTH = 255;

/**
 * A genuine signature over a body that is not an event (no id to apply it once by, no type, no
 * object) is the sender's fault: 400 naming the field, never a 500 from reading what is not there.
 */
function assertWellFormed(event: Stripe.Event): void {
  const raw = event as unknown as { id?: unknown; type?: unknown; data?: { object?: unknown } };
  const bad: string[] = [];
  if (typeof raw.id !== 'string' || raw.id.length === 0 || raw.id.length > MAX_EVENT_ID_LENGTH) bad.push('id');
  if (typeof raw.type !== 'string') bad.push('type');
  if (typeof raw.data?.object !== 'object' || raw.data.object === null) bad.push('data.object');
  if (bad.length > 0) {
    throw new ValidationFailed(bad.map((field) => ({ field, messages: [`a signed event needs ${field}`] })), 'malformed webhook event');
  }
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (typeof value === 'string') return value;
  return value?.id ?? null;
}

function asUuid(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value : null;
}

function asTier(value: unknown): Tier | null {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value) ? (value as Tier) : null;
}

/** Items carry the period since API 2025-03-31; older payloads have it on the subscription. */
function periodEndOf(subscription: Stripe.Subscription): Date | null {
  const ends = (subscription.items?.data ?? []).map((item) => item.current_period_end).filter((e) => typeof e === 'number');
  if (ends.length > 0) return fromUnix(Math.max(...ends));
  return fromUnix(legacyField(subscription, 'current_period_end'));
}

/** `parent.subscription_details` since API 2025-03-31; `subscription` on older payloads. */
function subscriptionOfInvoice(invoice: Stripe.Invoice): string | null {
  const parent = invoice.parent?.subscription_details?.subscription;
  if (parent) return idOf(parent);
  const legacy = legacyField(invoice, 'subscription');
  return typeof legacy === 'string' ? legacy : null;
}

/** A field the SDK's current types no longer declare but an older API version still sends. */
function legacyField(object: object, field: string): unknown {
  return (object as Record<string, unknown>)[field];
}
