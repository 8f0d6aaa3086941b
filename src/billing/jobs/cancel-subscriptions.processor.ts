import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../../queue/job-registry';
import { SubscriptionCancellations } from '../subscription-cancellations.service';

/** Binds the cancellation pass to its job; registered only where jobs run (worker, or inline mode). */
@Injectable()
export class CancelSubscriptionsProcessor implements OnModuleInit {
  private readonly logger = new Logger('CancelSubscriptions');

  constructor(
    private readonly registry: JobRegistry,
    private readonly cancellations: SubscriptionCancellations,
  ) {}

  onModuleInit(): void {
    this.registry.register('cancel-subscriptions', async () => {
      const { cancelled } = await this.cancellations.runPass();
      if (cancelled > 0) this.logger.log(`cancelled ${cancelled} subscription(s) of deleted accounts`);
    });
  }
}
