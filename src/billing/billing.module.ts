import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { QueueModule } from '../queue/queue.module';
import { StorageModule } from '../storage/storage.module';
import { StripePaymentProvider } from './adapters/stripe-payment-provider';
import { TypeOrmPendingCancellations } from './adapters/typeorm-pending-cancellations';
import { TypeOrmProcessedEventLog } from './adapters/typeorm-processed-event-log';
import { TypeOrmSubscriptionRepository } from './adapters/typeorm-subscription.repository';
import { TypeOrmTierOverrideRepository } from './adapters/typeorm-tier-override.repository';
import { UnconfiguredPaymentProvider } from './adapters/unconfigured-payment-provider';
import { BillingController } from './billing.controller';
import { BillingWebhookService } from './billing-webhook.service';
import { BillingService } from './billing.service';
import { PaymentProvider } from './ports/payment-provider';
import { PendingCancellations } from './ports/pending-cancellations';
import { ProcessedEventLog } from './ports/processed-event-log';
import { SubscriptionRepository } from './ports/subscription.repository';
import { TierOverrideRepository } from './ports/tier-override.repository';
import { TierSource } from './ports/tier-source';
import { SubscriptionTierSource } from './subscription-tier-source';
import { SubscriptionCancellations } from './subscription-cancellations.service';
import { TierPolicy } from './tier-policy.service';

/** Tiers and what decides them: subscriptions from the payment provider, and admin overrides. */
@Module({
  imports: [StorageModule, QueueModule],
  controllers: [BillingController],
  providers: [
    TierPolicy,
    BillingService,
    BillingWebhookService,
    SubscriptionCancellations,
    { provide: PendingCancellations, useClass: TypeOrmPendingCancellations },
    { provide: TierSource, useClass: SubscriptionTierSource },
    { provide: SubscriptionRepository, useClass: TypeOrmSubscriptionRepository },
    { provide: TierOverrideRepository, useClass: TypeOrmTierOverrideRepository },
    { provide: ProcessedEventLog, useClass: TypeOrmProcessedEventLog },
    {
      provide: PaymentProvider,
      inject: [AppConfig],
      useFactory: (config: AppConfig): PaymentProvider =>
        config.billing.stripe ? new StripePaymentProvider(config.billing.stripe) : new UnconfiguredPaymentProvider(),
    },
  ],
  exports: [TierPolicy, BillingService, SubscriptionCancellations],
})
export class BillingModule {}
