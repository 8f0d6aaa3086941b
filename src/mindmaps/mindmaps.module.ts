import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { EventsModule } from '../events/events.module';
import { KeysModule } from '../keys/keys.module';
import { MetricsModule } from '../observability/metrics/metrics.module';
import { QueueModule } from '../queue/queue.module';
import { StorageModule } from '../storage/storage.module';
import { PostgresVersionRecorder } from './adapters/postgres-version-recorder';
import { TypeOrmMapVersionRepository } from './adapters/typeorm-map-version.repository';
import { TypeOrmMindMapRepository } from './adapters/typeorm-mind-map.repository';
import { MapContentController } from './map-content.controller';
import { MapContentService } from './map-content.service';
import { MindMapsController } from './mindmaps.controller';
import { MindMapsService } from './mindmaps.service';
import { MapVersionRepository } from './ports/map-version.repository';
import { MindMapRepository } from './ports/mind-map.repository';
import { VersionRecorder } from './ports/version-recorder';
import { PruneScheduler } from './jobs/prune-scheduler.service';
import { PruneVersionsService } from './jobs/prune-versions.service';

const repositories = [
  { provide: MindMapRepository, useClass: TypeOrmMindMapRepository },
  { provide: MapVersionRepository, useClass: TypeOrmMapVersionRepository },
  { provide: VersionRecorder, useClass: PostgresVersionRecorder },
];

@Module({
  imports: [StorageModule, BillingModule, QueueModule, KeysModule, MetricsModule, EventsModule],
  controllers: [MindMapsController, MapContentController],
  providers: [...repositories, MindMapsService, MapContentService, PruneVersionsService, PruneScheduler],
  exports: [MindMapsService, MapContentService, PruneVersionsService],
})
export class MindMapsModule {}
