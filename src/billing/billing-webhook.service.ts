import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import type { BillingEvent, CheckoutCompleted, PaymentFailed, SubscriptionChanged } from './domain/billing-event';
import { supersedes } from './domain/entitlement';
import { ProcessedEventLog } from './ports/processed-event-log';
import { SubscriptionRepository } from './ports/subscription.repository';

/**
 * Applies the payment provider's verified events to subscriptions: each event id once, in the
 * transaction that records it, and in the order the provider created them whatever order they
 * arrive in (an older event never overwrites newer state).
 */
@Injectable()
export class BillingWebhookService {
  private readonly logger = new Logger('BillingWebhook');

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly processed: ProcessedEventLog,
    private readonly uow: UnitOfWork,
  ) {}

  /** False when the event was applied before (a provider retry or a replay). */
  apply(event: BillingEvent): Promise<boolean> {
    return this.uow.run(async () => {
      if (!(await this.processed.markProcessed(event.id, event.type))) return false;
      switch (event.kind) {
        case 'checkout-completed':
          await this.checkoutCompleted(event);
          break;
        case 'subscription-changed':
          await this.subscriptionChanged(event);
          break;
        case 'payment-failed':
          await this.paymentFailed(event);
          break;
        case 'ignored':
          break;
      }
      return true;
    });
  }

  /** Names the user behind the customer and the subscription; the subscription's own events carry its state. */
  private async checkoutCompleted(event: CheckoutCompleted): Promise<void> {
    const { userId, customerId, subscriptionId } = event;
    if (!userId) {
      this.logger.warn(`event ${event.id}: checkout names no user; nothing to link`);
      return;
    }
    if (customerId) {
      await this.subscriptions.linkCustomer(userId, customerId);
      await this.subscriptions.claimForUser(customerId, userId);
    }
    if (!subscriptionId || !customerId) return;
    const current = await this.subscriptions.lock(subscriptionId);
    if (current) {
      if (!current.userId) await this.subscriptions.save({ ...current, userId });
      return;
    }
    // The subscription's events have not arrived yet: a paid checkout grants the tier meanwhile,
    // and lastEventAt null lets the first of those events replace this state whatever its time.
    await this.subscriptions.save({
      providerSubscriptionId: subscriptionId,
      userId,
      providerCustomerId: customerId,
      tier: event.tier ?? 'free',
      status: event.paid ? 'active' : 'incomplete',
      currentPeriodEnd: null,
      pastDueSince: null,
      lastEventAt: null,
    });
  }

  private async subscriptionChanged(event: SubscriptionChanged): Promise<void> {
    const current = await this.subscriptions.lock(event.subscriptionId);
    const linkedUser = await this.subscriptions.userOfCustomer(event.customerId);
    const userId = current?.userId ?? linkedUser ?? event.userId;
    if (userId && !linkedUser) await this.subscriptions.linkCustomer(userId, event.customerId);
    if (current && !supersedes(current, event)) {
      this.logger.log(`event ${event.id}: older than the state of ${event.subscriptionId}; not applied`);
      if (!current.userId && userId) await this.subscriptions.save({ ...current, userId });
      return;
    }
    if (!event.tier) this.logger.warn(`event ${event.id}: ${event.subscriptionId} bills no configured price`);
    await this.subscriptions.save({
      providerSubscriptionId: event.subscriptionId,
      userId,
      providerCustomerId: event.customerId,
      tier: event.tier ?? current?.tier ?? 'free',
      status: event.status,
      currentPeriodEnd: event.currentPeriodEnd,
      pastDueSince:
        event.status === 'past_due' ? (current?.status === 'past_due' ? current.pastDueSince : null) ?? event.createdAt : null,
      lastEventAt: event.createdAt,
    });
  }

  /** Starts the grace period at once, in case the subscription's own past_due event is late. */
  private async paymentFailed(event: PaymentFailed): Promise<void> {
    if (!event.subscriptionId) return;
    const current = await this.subscriptions.lock(event.subscriptionId);
    if (!current || (current.status !== 'active' && current.status !== 'trialing')) return;
    if (!supersedes(current, { createdAt: event.createdAt, status: 'past_due' })) return;
    await this.subscriptions.save({
      ...current,
      status: 'past_due',
      pastDueSince: event.createdAt,
      lastEventAt: event.createdAt,
    });
  }
}
