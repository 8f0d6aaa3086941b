import { BillingNotConfigured } from '../billing.errors';
import type { BillingEvent } from '../domain/billing-event';
import { PaymentProvider } from '../ports/payment-provider';

/** Bound when no provider is configured: every billing route that needs one answers 503. */
export class UnconfiguredPaymentProvider extends PaymentProvider {
  async createCheckout(): Promise<{ url: string }> {
    throw new BillingNotConfigured();
  }

  parseWebhook(): BillingEvent {
    throw new BillingNotConfigured();
  }

  async cancelSubscription(): Promise<void> {
    throw new BillingNotConfigured();
  }
}
