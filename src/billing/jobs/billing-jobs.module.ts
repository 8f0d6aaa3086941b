import { Module } from '@nestjs/common';
import { QueueModule } from '../../queue/queue.module';
import { BillingModule } from '../billing.module';
import { CancelSubscriptionsProcessor } from './cancel-subscriptions.processor';

/** The billing processors; imported by the worker, and by the API only when jobs run in-process. */
@Module({
  imports: [BillingModule, QueueModule],
  providers: [CancelSubscriptionsProcessor],
})
export class BillingJobsModule {}
