import { Injectable, Logger } from '@nestjs/common';
import { JobQueue } from '../queue/job-queue';
import { UnitOfWork } from '../database/unit-of-work';
import { PaymentProvider } from './ports/payment-provider';
import { PendingCancellations } from './ports/pending-cancellations';
import { SubscriptionRepository } from './ports/subscription.repository';

/** Statuses after which the provider bills nothing more: such a subscription needs no cancelling. */
const ENDED = new Set(['canceled', 'incomplete_expired']);
/** Subscriptions one pass of the cancel job tries; the rest wait for the next pass. */
const PASS_SIZE = 100;

/** Raised by a pass that left cancellations waiting, so the queue retries it with backoff. */
export class CancellationsPending extends Error {
  constructor(readonly failed: number) {
    super(`${failed} subscription cancellation(s) still waiting for the payment provider`);
    this.name = 'CancellationsPending';
  }
}

/**
 * Cancelling a deleted account's subscriptions with the payment provider. The request is recorded
 * in the deletion's transaction; the provider is called afterwards by the `cancel-subscriptions`
 * job (retried with backoff, and again on its schedule), so an outage delays the cancellation but
 * never loses it, and the account is gone for the user at once.
 */
@Injectable()
export class SubscriptionCancellations {
  private readonly logger = new Logger('SubscriptionCancellations');

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly pending: PendingCancellations,
    private readonly payments: PaymentProvider,
    private readonly queue: JobQueue,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * Records every subscription of the user that may still bill as waiting for cancellation; the
   * user's subscription rows themselves go with the user. Inside the deletion's transaction.
   * Returns how many were recorded.
   */
  async requestForClosedAccount(userId: string): Promise<number> {
    this.uow.assertActive('SubscriptionCancellations.requestForClosedAccount');
    const live = (await this.subscriptions.listForUser(userId)).filter((s) => !ENDED.has(s.status));
    await this.pending.add(live.map((s) => s.providerSubscriptionId));
    return live.length;
  }

  /** Queues a pass of the cancel job; call after the deletion committed. */
  schedule(): Promise<void> {
    return this.queue.enqueue('cancel-subscriptions', {});
  }

  /**
   * One pass: asks the provider to cancel each waiting subscription and forgets the confirmed ones.
   * Throws CancellationsPending when any is left, so the queue retries the pass.
   */
  async runPass(): Promise<{ cancelled: number }> {
    let cancelled = 0;
    let failed = 0;
    for (const id of await this.pending.list(PASS_SIZE)) {
      try {
        await this.payments.cancelSubscription(id);
        await this.pending.forget(id);
        cancelled++;
      } catch (error) {
        failed++;
        const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        await this.pending.recordFailure(id, reason);
        this.logger.warn(`could not cancel subscription ${id} with the payment provider (will retry): ${reason}`);
      }
    }
    if (failed > 0) throw new CancellationsPending(failed);
    return { cancelled };
  }
}
