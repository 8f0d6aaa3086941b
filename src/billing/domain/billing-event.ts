import type { Tier } from '../../config/app-config';
import type { SubscriptionStatus } from './subscription';

interface EventBase {
  /** The provider's event id: each is applied once. */
  id: string;
  /** The provider's type name, kept for the processed-events log. */
  type: string;
  /** When the provider created the event: the order events are applied in, whatever order they arrive in. */
  createdAt: Date;
}

/** A checkout finished: names the user behind a customer and (usually) a subscription. */
export interface CheckoutCompleted extends EventBase {
  kind: 'checkout-completed';
  userId: string | null;
  customerId: string | null;
  subscriptionId: string | null;
  tier: Tier | null;
  /** Payment collected (or none needed): the subscription may be treated as active until its own events arrive. */
  paid: boolean;
}

/** A subscription's full state as of `createdAt` (created, updated or deleted). */
export interface SubscriptionChanged extends EventBase {
  kind: 'subscription-changed';
  subscriptionId: string;
  customerId: string;
  /** From the subscription's metadata, set at checkout; null when absent. */
  userId: string | null;
  /** Null when no configured price matches and the metadata names no tier. */
  tier: Tier | null;
  status: SubscriptionStatus;
  currentPeriodEnd: Date | null;
}

/** An invoice of a subscription could not be paid. */
export interface PaymentFailed extends EventBase {
  kind: 'payment-failed';
  subscriptionId: string | null;
  customerId: string | null;
}

/** A verified event of a type billing does not act on; still recorded as processed. */
export interface IgnoredEvent extends EventBase {
  kind: 'ignored';
}

/** A payment provider's webhook event, verified and translated out of the provider's format. */
export type BillingEvent = CheckoutCompleted | SubscriptionChanged | PaymentFailed | IgnoredEvent;
