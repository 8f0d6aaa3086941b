import { StripePaymentProvider } from '../../src/billing/adapters/stripe-payment-provider';
import { PaymentProviderError } from '../../src/billing/billing.errors';
import type { CheckoutRequest } from '../../src/billing/ports/payment-provider';
import type { StripeConfig } from '../../src/config/app-config';

/** Stripe settings the billing tests run with; nothing here reaches Stripe. */
export const TEST_STRIPE_ENV = {
  STRIPE_SECRET_KEY: 'sk_test_mindvault_never_sent',
  STRIPE_WEBHOOK_SECRET: 'whsec_mindvault_test_secret',
  STRIPE_PRICE_PRO: 'price_test_pro',
  STRIPE_PRICE_TEAM: 'price_test_team',
  CHECKOUT_SUCCESS_URL: 'https://app.example.test/billing/done',
  CHECKOUT_CANCEL_URL: 'https://app.example.test/billing/cancelled',
};

export const TEST_STRIPE_CONFIG: StripeConfig = {
  secretKey: TEST_STRIPE_ENV.STRIPE_SECRET_KEY,
  webhookSecret: TEST_STRIPE_ENV.STRIPE_WEBHOOK_SECRET,
  prices: { pro: TEST_STRIPE_ENV.STRIPE_PRICE_PRO, team: TEST_STRIPE_ENV.STRIPE_PRICE_TEAM },
  successUrl: TEST_STRIPE_ENV.CHECKOUT_SUCCESS_URL,
  cancelUrl: TEST_STRIPE_ENV.CHECKOUT_CANCEL_URL,
};

/**
 * The Stripe adapter with its network calls replaced: checkouts are recorded and answered with a
 * made-up URL, cancellations recorded (and refused as an outage while `outages` is above 0),
 * while webhooks go through the real verification and translation.
 */
export class FakePaymentProvider extends StripePaymentProvider {
  readonly checkouts: CheckoutRequest[] = [];
  /** Every cancellation asked for, failed ones included, in order. */
  readonly cancelAttempts: string[] = [];
  readonly cancelled = new Set<string>();
  /** How many of the next cancellations fail as a provider outage would. */
  outages = 0;

  constructor() {
    super(TEST_STRIPE_CONFIG);
  }

  override async createCheckout(request: CheckoutRequest): Promise<{ url: string }> {
    this.checkouts.push(request);
    return { url: `https://checkout.example.test/session/${this.checkouts.length}` };
  }

  override async cancelSubscription(providerSubscriptionId: string): Promise<void> {
    this.cancelAttempts.push(providerSubscriptionId);
    if (this.outages > 0) {
      this.outages--;
      throw new PaymentProviderError(new Error('provider unreachable (test outage)'));
    }
    this.cancelled.add(providerSubscriptionId);
  }
}
