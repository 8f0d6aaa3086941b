import type { BillingEvent } from '../domain/billing-event';
import type { PaidTier } from '../domain/subscription';

export interface CheckoutRequest {
  userId: string;
  tier: PaidTier;
  /** The provider's customer of this user from an earlier checkout, so one user stays one customer. */
  customerId: string | null;
}

/**
 * The payment provider (Stripe in production). Contract:
 * - `createCheckout` starts a hosted checkout for a monthly subscription to `tier` whose events
 *   name the user (client reference and metadata), and returns the URL to send the user to; a
 *   provider that fails or cannot be reached rejects with PaymentProviderError;
 * - `parseWebhook` verifies `signature` over the exact bytes received and translates the event;
 *   anything that does not verify (missing or wrong signature, stale timestamp, not JSON) throws
 *   BadSignature, and nothing else may be read from such a payload;
 * - `cancelSubscription` ends the subscription at once (no further invoice); one the provider no
 *   longer knows, or already ended, counts as cancelled. An outage rejects with
 *   PaymentProviderError, and the caller retries: the call is idempotent;
 * - a provider that is not configured throws BillingNotConfigured from all three.
 */
export abstract class PaymentProvider {
  abstract createCheckout(request: CheckoutRequest): Promise<{ url: string }>;
  abstract parseWebhook(payload: Buffer, signature: string | undefined): BillingEvent;
  abstract cancelSubscription(providerSubscriptionId: string): Promise<void>;
}
