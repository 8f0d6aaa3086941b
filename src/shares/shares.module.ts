import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { BillingModule } from '../billing/billing.module';
import { KeysModule } from '../keys/keys.module';
import { MindMapsModule } from '../mindmaps/mindmaps.module';
import { TypeOrmShareRepository } from './adapters/typeorm-share.repository';
import { ShareRepository } from './ports/share.repository';
import { SharesController } from './shares.controller';
import { SharesService } from './shares.service';

/** Link shares of mind maps: the owner's routes here, the link's routes in PublicModule. */
@Module({
  imports: [MindMapsModule, KeysModule, BillingModule, EventsModule],
  controllers: [SharesController],
  providers: [SharesService, { provide: ShareRepository, useClass: TypeOrmShareRepository }],
  exports: [SharesService],
})
export class SharesModule {}
