import { Module } from '@nestjs/common';
import { TypeOrmTierSource } from './adapters/typeorm-tier-source';
import { TierSource } from './ports/tier-source';
import { TierPolicy } from './tier-policy.service';

@Module({
  providers: [TierPolicy, { provide: TierSource, useClass: TypeOrmTierSource }],
  exports: [TierPolicy],
})
export class BillingModule {}
