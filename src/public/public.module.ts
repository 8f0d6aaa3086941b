import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { SharesModule } from '../shares/shares.module';
import { PublicController } from './public.controller';

/** The unauthenticated API: plans and share links. */
@Module({
  imports: [BillingModule, SharesModule],
  controllers: [PublicController],
})
export class PublicModule {}
